"""The HTTP client siibra uses for every upstream fetch, with timeouts.

siibra 1.0.1a20 calls ``requests.get(url, stream=True)`` with no timeout, so a
host that drops packets hangs the caller forever. ``install`` swaps the
``requests`` module that ``siibra.retrieval.requests`` sees for a
:class:`TimeoutRequests` that passes connect and read timeouts on every call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpstreamTimeouts:
    """Seconds allowed to connect to an upstream host and between two reads."""

    connect_s: float = 3.0
    read_s: float = 10.0

    def as_requests_timeout(self) -> tuple[float, float]:
        return (self.connect_s, self.read_s)


class TimeoutRequests:
    """Stands in for the ``requests`` module, adding a default timeout.

    Only ``get`` and ``post`` are called through the module by siibra; the
    rest of the ``requests`` namespace (exceptions, ``Session``) passes
    through unchanged.
    """

    def __init__(self, timeouts: UpstreamTimeouts) -> None:
        self.timeouts = timeouts

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeouts.as_requests_timeout())
        _LOGGER.debug("GET %s", url)
        return requests.get(url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeouts.as_requests_timeout())
        _LOGGER.debug("POST %s", url)
        return requests.post(url, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)


def install(siibra_requests_module: Any, timeouts: UpstreamTimeouts) -> None:
    """Routes the HTTP calls of ``siibra.retrieval.requests`` through timeouts."""
    siibra_requests_module.requests = TimeoutRequests(timeouts)
