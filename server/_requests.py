"""Helpers shared by the servicers for list calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from catalog.paging import Page, fingerprint, paginate


def page(
    items: Sequence[Any], request: Any, data_version: str, *query: str
) -> Page[Any]:
    """Pages ``items`` for a list request with page_size and page_token."""
    return paginate(
        items,
        request.page_size,
        request.page_token,
        fingerprint(type(request).__name__, data_version, *query),
    )
