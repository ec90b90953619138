"""Maps failures of upstream fetches to the service's errors, in one place."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests

from server.errors import UnavailableError

_LOGGER = logging.getLogger(__name__)


def _host(url: str | None) -> str:
    return urlsplit(url or "").netloc or "an upstream host"


@contextmanager
def upstream_errors() -> Iterator[None]:
    """Turns network failures inside the block into UNAVAILABLE errors.

    Raises:
        UnavailableError: a host could not be reached, timed out, or answered
            with an error status; the message names the host.
    """
    try:
        yield
    except requests.Timeout as error:
        url = error.request.url if error.request is not None else None
        _LOGGER.warning("upstream timeout: %s", url)
        raise UnavailableError(f"{_host(url)} did not answer in time") from error
    except requests.ConnectionError as error:
        url = error.request.url if error.request is not None else None
        _LOGGER.warning("upstream unreachable: %s", url)
        raise UnavailableError(f"{_host(url)} cannot be reached") from error
    except Exception as error:
        if not isinstance(error, _siibra_http_error()):
            raise
        status, url = getattr(error, "status_code", 0), getattr(error, "url", None)
        _LOGGER.warning("upstream answered %s: %s", status, url)
        raise UnavailableError(f"{_host(url)} answered HTTP {status}") from error


def _siibra_http_error() -> type[Exception] | tuple[()]:
    """siibra's HTTP error class, if siibra is loaded; else nothing to match.

    Importing siibra here would load it before ``upstream.loader`` has set
    its configuration and cache folder (read once, at import), and it must
    not be loaded at all in processes that never use it.
    """
    module = sys.modules.get("siibra.retrieval.requests")
    return getattr(module, "SiibraHttpRequestError", ())
