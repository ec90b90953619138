"""``page_size`` / ``page_token`` pagination over an ordered result.

Tokens are opaque to clients: an offset bound to a fingerprint of the query
and the data version, so a token cannot be replayed against another query or
another build of the data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from server.errors import InvalidArgumentError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_page_token: str
    total_size: int


def fingerprint(*parts: str) -> str:
    """A short, stable digest of the parameters that define a query."""
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()[:12]


def _encode(offset: int, query: str) -> str:
    raw = json.dumps([offset, query], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(token: str, query: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        offset, token_query = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise InvalidArgumentError("page_token is malformed", "page_token") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise InvalidArgumentError("page_token is malformed", "page_token")
    if token_query != query:
        raise InvalidArgumentError(
            "page_token was issued for a different query or data version; "
            "start again without it",
            "page_token",
        )
    return offset


def page_size_or_default(page_size: int) -> int:
    """Applies the documented default and maximum to a requested page size."""
    if page_size < 0:
        raise InvalidArgumentError(
            f"page_size must not be negative, got {page_size}", "page_size"
        )
    if page_size == 0:
        return DEFAULT_PAGE_SIZE
    return min(page_size, MAX_PAGE_SIZE)


def paginate(
    items: Sequence[T], page_size: int, page_token: str, query: str
) -> Page[T]:
    """Returns one page of ``items``.

    Args:
        items: The whole ordered result.
        page_size: As requested; 0 means the default.
        page_token: As requested; empty for the first page.
        query: A fingerprint of every parameter that shapes ``items``.

    Raises:
        InvalidArgumentError: negative page_size, or a malformed or foreign token.
    """
    size = page_size_or_default(page_size)
    start = _decode(page_token, query) if page_token else 0
    if start > len(items):
        raise InvalidArgumentError(
            "page_token is past the end of the results", "page_token"
        )
    stop = min(start + size, len(items))
    next_token = _encode(stop, query) if stop < len(items) else ""
    return Page(
        items=items[start:stop], next_page_token=next_token, total_size=len(items)
    )
