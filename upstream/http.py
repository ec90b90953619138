"""The HTTP client siibra uses for every upstream fetch, with timeouts.

siibra 1.0.1a20 calls ``requests.get(url, stream=True)`` with no timeout, so a
host that drops packets hangs the caller forever. ``install`` swaps the
``requests`` module that ``siibra.retrieval.requests`` sees for a
:class:`TimeoutRequests` that passes connect and read timeouts on every call.

Neuroglancer precomputed chunks do not go through siibra's requests: they are
read by neuroglancer_scripts' ``HttpAccessor`` with its own
``requests.Session()``. ``install`` gives that module the same client, whose
``Session`` is an :class:`UpstreamSession`. Both paths end in :func:`_send`,
the one choke point: inside a call's :func:`upstream.scope.fetch_scope` it
sends the request to a configured mirror, spends the call's byte budget and
records failures; outside one it only adds the timeouts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import requests

from upstream import scope as _scope
from upstream.mirrors import Mirror

_LOGGER = logging.getLogger(__name__)

# install() routes neuroglancer_scripts' HttpAccessor through this module, and
# checks that this version still builds its session as ``requests.Session()``.
ROUTED_NEUROGLANCER_SCRIPTS_VERSION = "1.2.0"
DEFAULT_MAX_FETCH_BYTES = 1024**3


@dataclass(frozen=True)
class UpstreamTimeouts:
    """Seconds allowed to connect to an upstream host and between two reads."""

    connect_s: float = 3.0
    read_s: float = 10.0

    def as_requests_timeout(self) -> tuple[float, float]:
        return (self.connect_s, self.read_s)


@dataclass(frozen=True)
class UpstreamPolicy:
    """How one call fetches from upstream hosts.

    Attributes:
        timeouts: Connect and read timeouts of every request.
        mirrors: Upstream origins served by other base URLs.
        max_fetch_bytes: The most bytes one call may download; a fetch that
            would go over fails with RESOURCE_EXHAUSTED. Files in siibra's
            disk cache are not downloaded and do not count.
    """

    timeouts: UpstreamTimeouts = field(default_factory=UpstreamTimeouts)
    mirrors: tuple[Mirror, ...] = ()
    max_fetch_bytes: int = DEFAULT_MAX_FETCH_BYTES

    def __post_init__(self) -> None:
        if self.max_fetch_bytes <= 0:
            raise ValueError(
                f"max_fetch_bytes must be positive: {self.max_fetch_bytes}"
            )


def _send(
    send: Callable[..., requests.Response],
    url: str,
    kwargs: dict[str, Any],
    timeouts: UpstreamTimeouts,
) -> requests.Response:
    """Sends one request through the current call's scope, if any.

    The body is always streamed so that the scope can count it; callers that
    did not ask for a stream get it read here, as requests would have done.

    Raises:
        requests.RequestException: the request failed (recorded in the scope).
        upstream.scope.FetchTooLargeError: the call's byte budget is spent.
    """
    stream = kwargs.pop("stream", False)
    current = _scope.current()
    # siibra also probes local cache paths through its requests; those are
    # no upstream fetches.
    if current is None or not url.startswith(("http://", "https://")):
        kwargs.setdefault("timeout", timeouts.as_requests_timeout())
        return send(url, stream=stream, **kwargs)
    kwargs.setdefault("timeout", current.policy.timeouts.as_requests_timeout())
    # TODO: requests follows redirects itself, so a redirect to another host
    # is fetched from that host, not from its mirror.
    target = current.target(url)
    current.check(url, target)
    _LOGGER.debug("fetch %s%s", target, "" if target == url else f" for {url}")
    try:
        response = current.watch(url, target, send(target, stream=True, **kwargs))
        if not stream:
            _ = response.content
    except requests.RequestException as error:
        current.record_error(url, target, error)
        raise
    return response


class UpstreamSession(requests.Session):
    """A ``requests.Session`` whose requests all go through :func:`_send`."""

    def __init__(self, timeouts: UpstreamTimeouts) -> None:
        super().__init__()
        self.timeouts = timeouts

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        def send(target: str, **options: Any) -> requests.Response:
            return super(UpstreamSession, self).request(
                method, target, *args, **options
            )

        return _send(send, url, kwargs, self.timeouts)


class TimeoutRequests:
    """Stands in for the ``requests`` module, adding a default timeout.

    Only ``get`` and ``post`` are called through the module by siibra; the
    rest of the ``requests`` namespace (exceptions, ``Session``) passes
    through unchanged.
    """

    def __init__(self, timeouts: UpstreamTimeouts) -> None:
        self.timeouts = timeouts

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        # requests.get is looked up on each call, so tests can replace it.
        return _send(
            lambda target, **kw: requests.get(target, **kw), url, kwargs, self.timeouts
        )

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return _send(
            lambda target, **kw: requests.post(target, **kw), url, kwargs, self.timeouts
        )

    def Session(self) -> UpstreamSession:  # noqa: N802 - stands in for requests.Session
        return UpstreamSession(self.timeouts)

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)


def install(siibra_requests_module: Any, timeouts: UpstreamTimeouts) -> None:
    """Routes siibra's and neuroglancer_scripts' HTTP calls through :func:`_send`.

    Raises:
        RuntimeError: neuroglancer_scripts no longer creates its session through
            the module's ``requests``, so chunk fetches would bypass mirrors,
            timeouts and the byte budget.
    """
    from neuroglancer_scripts import http_accessor

    client = TimeoutRequests(timeouts)
    siibra_requests_module.requests = client
    http_accessor.requests = client
    probe = http_accessor.HttpAccessor("http://127.0.0.1/")
    if not isinstance(probe._session, UpstreamSession):
        version = metadata.version("neuroglancer-scripts")
        raise RuntimeError(
            f"neuroglancer-scripts {version} does not build its session as "
            "requests.Session(); chunk fetches would bypass the upstream policy "
            f"(routed version: {ROUTED_NEUROGLANCER_SCRIPTS_VERSION})"
        )
