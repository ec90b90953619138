"""Per-call bookkeeping of upstream fetches: mirrors, a byte budget, failures.

siibra swallows most fetch errors: ``Volume.fetch`` logs them, tries the next
format and finally returns None, and a sparse map falls back from one source
to the next. The exception that reaches the caller is then an unrelated
``AttributeError`` or ``RuntimeError``. So every call that may fetch runs in
a :class:`FetchScope`. The HTTP choke point (``upstream.http``) asks the
scope where to send each request, counts the bytes against the call's budget
and records each failure; when the call fails, :func:`fetch_scope` replaces
the error with the one the scope recorded:

* RESOURCE_EXHAUSTED when a fetch went over the call's byte budget, checked
  against Content-Length before the body is read and against the bytes read;
* else UNAVAILABLE naming every host that could not be reached, timed out
  or answered with an error status (and the upstream host it mirrors).

Within one call, a host that could not be reached or timed out is not asked
again: siibra would otherwise try it once per format or per chunk, and a
silent host would cost one read timeout each time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import requests

from server.errors import ResourceExhaustedError, ServiceError, UnavailableError
from upstream import mirrors

if TYPE_CHECKING:
    from upstream.http import UpstreamPolicy

_LOGGER = logging.getLogger(__name__)

_CURRENT: ContextVar[FetchScope | None] = ContextVar("fetch_scope", default=None)


class FetchTooLargeError(ResourceExhaustedError):
    """A call would fetch more bytes than its budget allows."""


@dataclass(frozen=True)
class _Failure:
    url: str  # as siibra asked for it
    target: str  # as requested: on a mirror, or the same
    message: str
    unreachable: bool  # connection failed or timed out, rather than an HTTP status


def _who(url: str, target: str) -> str:
    if target == url:
        return mirrors.host(url)
    return f"{mirrors.host(target)} (mirror of {mirrors.host(url)})"


class FetchScope:
    """The fetches of one call; see the module docstring."""

    def __init__(self, policy: UpstreamPolicy) -> None:
        self.policy = policy
        self.fetched_bytes = 0
        self._failures: list[_Failure] = []
        self._down: dict[str, _Failure] = {}  # target host -> its failure
        self._too_large: FetchTooLargeError | None = None

    def target(self, url: str) -> str:
        """The URL to request for ``url``: on its mirror, or ``url`` itself."""
        return mirrors.rewrite(url, self.policy.mirrors)

    def check(self, url: str, target: str) -> None:
        """Fails fast, before a request, when this call cannot succeed with it.

        Raises:
            FetchTooLargeError: the call has already gone over its budget.
            requests.ConnectionError: the host already failed in this call.
        """
        if self._too_large is not None:
            raise FetchTooLargeError(self._too_large.message)
        failed = self._down.get(mirrors.host(target))
        if failed is not None:
            # Counted again (not logged): a step that siibra retries against
            # a down host must see that its fetch failed (failure_count).
            self._failures.append(failed)
            raise requests.ConnectionError(f"{failed.message} (not asked again)")

    def record_error(
        self, url: str, target: str, error: requests.RequestException
    ) -> None:
        who = _who(url, target)
        if isinstance(error, requests.Timeout):
            failure = _Failure(url, target, f"{who} did not answer in time", True)
        elif isinstance(error, requests.ConnectionError):
            failure = _Failure(url, target, f"{who} cannot be reached", True)
        else:
            failure = _Failure(url, target, f"{who} failed: {error}", False)
        self._add(failure)
        if failure.unreachable:
            self._down[mirrors.host(target)] = failure

    def watch(
        self, url: str, target: str, response: requests.Response
    ) -> requests.Response:
        """Records an error status and puts the response's body on the budget.

        Raises:
            FetchTooLargeError: the declared Content-Length is over the budget.
        """
        if not response.ok:
            who = _who(url, target)
            self._add(
                _Failure(
                    url, target, f"{who} answered HTTP {response.status_code}", False
                )
            )
            return response
        declared = int(response.headers.get("content-length") or 0)
        if declared:
            self._spend(declared, url, target, response, counted=False)
        original = cast(Callable[..., Iterator[Any]], response.iter_content)

        def iter_content(
            chunk_size: int | None = 1, decode_unicode: bool = False
        ) -> Any:
            for chunk in original(chunk_size, decode_unicode):
                self._spend(len(chunk), url, target, response, counted=True)
                yield chunk

        # requests reads .content through iter_content too, so both are counted.
        response.iter_content = iter_content  # type: ignore[method-assign]
        return response

    # TODO: the budget counts bytes as downloaded; a gzip file under it can
    # decompress to many times its size, and files already in siibra's disk
    # cache are read without counting.
    def _spend(
        self,
        size: int,
        url: str,
        target: str,
        response: requests.Response,
        counted: bool,
    ) -> None:
        limit = self.policy.max_fetch_bytes
        total = self.fetched_bytes + size
        if total > limit:
            response.close()
            self._too_large = FetchTooLargeError(
                f"{_who(url, target)} sends more than the {limit} bytes one call "
                f"may fetch (max_fetch_bytes); {url} is too large"
            )
            _LOGGER.warning("fetch over budget: %s (%d > %d bytes)", url, total, limit)
            raise self._too_large
        if counted:
            self.fetched_bytes = total

    def _add(self, failure: _Failure) -> None:
        _LOGGER.warning("upstream fetch failed: %s (%s)", failure.message, failure.url)
        self._failures.append(failure)

    @property
    def failure_count(self) -> int:
        """Fetches of this call that failed so far, refused ones included.

        siibra swallows some failures (and caches what it found without the
        host); comparing counts before and after a step tells whether the
        step saw one.
        """
        return len(self._failures)

    def failures_since(self, count: int) -> str:
        """The messages of the failures after the first ``count``, joined."""
        return "; ".join(dict.fromkeys(f.message for f in self._failures[count:]))

    def error(self) -> ServiceError | None:
        """The error that explains a failed call, or None if no fetch failed."""
        if self._too_large is not None:
            return FetchTooLargeError(self._too_large.message)
        unreachable = [f for f in self._failures if f.unreachable]
        chosen = unreachable or self._failures
        if not chosen:
            return None
        messages = list(dict.fromkeys(f.message for f in chosen))
        return UnavailableError("; ".join(messages))


def current() -> FetchScope | None:
    """The scope of the call running in this thread, if any."""
    return _CURRENT.get()


@contextmanager
def fetch_scope(policy: UpstreamPolicy) -> Iterator[FetchScope]:
    """Runs a block as one call's fetches; see the module docstring.

    Raises:
        FetchTooLargeError: the block failed after a fetch went over budget.
        UnavailableError: the block failed after an upstream fetch failed.
    """
    scope = FetchScope(policy)
    token = _CURRENT.set(scope)
    try:
        yield scope
    except ServiceError:
        raise
    except Exception as error:
        recorded = scope.error()
        if recorded is None:
            raise
        # The traceback shows what siibra made of the failed fetch.
        _LOGGER.debug("call failed after upstream failures", exc_info=True)
        raise recorded from error
    finally:
        _CURRENT.reset(token)
        _LOGGER.debug("call fetched %d bytes upstream", scope.fetched_bytes)
