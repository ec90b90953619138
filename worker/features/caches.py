"""What the engine remembers of matchings that saw an upstream failure.

siibra caches assignments in class-level tables, including those it computed
after swallowing an upstream failure. :class:`CacheRollback` forgets them;
:class:`DegradedMemo` remembers, for a while, what the engine answered
instead, so that repeated listings are fast and answer alike.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import Any

# Expired entries are swept once the memo holds this many.
MAX_REMEMBERED_FAILURES = 50_000


class DegradedMemo:
    """Matchings that saw an upstream failure recently: a skip, or what
    siibra matched without the failed host.

    Repeated listings then neither redo work that cannot succeed (seconds
    per feature when siibra tries every map of a parcellation) nor answer
    differently from the first; after ``retry_after_s`` they try again.
    """

    def __init__(self) -> None:
        self._failures: dict[Any, tuple[Any, float]] = {}

    def get(self, key: Any, retry_after_s: float) -> Any:
        if retry_after_s <= 0:
            return None
        found = self._failures.get(key)
        if found is None:
            return None
        skip, expires = found
        if time.monotonic() >= expires:
            self._failures.pop(key, None)
            return None
        return skip

    def put(self, key: Any, outcome: Any, retry_after_s: float) -> None:
        if retry_after_s <= 0:
            return
        now = time.monotonic()
        if len(self._failures) >= MAX_REMEMBERED_FAILURES:
            self._failures = {k: v for k, v in self._failures.items() if v[1] > now}
        self._failures[key] = (outcome, now + retry_after_s)


class CacheRollback:
    """Forgets what siibra cached in its class-level assignment caches during
    a matching that saw an upstream failure (see the module docstring).

    Entries are removed by insertion order: those added after a mark. The
    engine's lock keeps other listings out meanwhile; a live query running
    alongside may lose entries too, which only costs recomputing them.
    """

    def __init__(self, caches: Sequence[dict[Any, Any]]) -> None:
        self._caches = caches

    def mark(self) -> tuple[int, ...]:
        return tuple(len(cache) for cache in self._caches)

    def rollback(self, mark: tuple[int, ...]) -> None:
        for cache, size in zip(self._caches, mark, strict=True):
            extra = len(cache) - size
            if extra > 0:
                for key in list(itertools.islice(reversed(cache.keys()), extra)):
                    cache.pop(key, None)
