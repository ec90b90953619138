"""Maps failures of upstream fetches to the service's errors, in one place."""

from __future__ import annotations

import logging
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
    # siibra's error class is imported lazily: this module must not import
    # siibra in processes that never load it.
    from siibra.retrieval.requests import SiibraHttpRequestError

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
    except SiibraHttpRequestError as error:
        _LOGGER.warning("upstream answered %s: %s", error.status_code, error.url)
        raise UnavailableError(
            f"{_host(error.url)} answered HTTP {error.status_code}"
        ) from error
