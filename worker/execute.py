"""Runs a registered call, the same way in a worker process or a server thread."""

from __future__ import annotations

import logging
import time

from google.protobuf.message import Message

from server.errors import NotFoundError, ServiceError
from upstream.errors import upstream_errors
from worker.calls import REGISTRY, Call

_LOGGER = logging.getLogger(__name__)


def lookup(method: str) -> Call:
    """Raises: NotFoundError: no call is registered under that method."""
    try:
        return REGISTRY[method]
    except KeyError:
        raise NotFoundError("method", method) from None


def execute(method: str, request: Message) -> Message:
    """Runs the handler of ``method`` on ``request``.

    Raises:
        ServiceError: the handler's domain error, or UNAVAILABLE for an
            upstream host that failed.
    """
    call = lookup(method)
    started = time.perf_counter()
    try:
        with upstream_errors():
            return call.handler(request)
    except ServiceError as error:
        _LOGGER.info("%s failed: %s", method, error.message)
        raise
    finally:
        _LOGGER.debug("%s ran %.1fms", method, (time.perf_counter() - started) * 1e3)
