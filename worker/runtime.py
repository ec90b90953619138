"""What a handler needs at run time: the settings and siibra, loaded once.

In all-in-one mode the server configures this at start; a worker process
configures it from its own settings. siibra is imported on first use only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from types import ModuleType

from server.config import Settings
from upstream.loader import load_siibra
from worker.criticality import Criticality

_LOGGER = logging.getLogger(__name__)

_settings: Settings | None = None
_lock = threading.Lock()
_warmups: list[tuple[Criticality, Callable[[], None]]] = []


def configure(settings: Settings) -> None:
    global _settings
    _settings = settings


def settings() -> Settings:
    if _settings is None:
        raise RuntimeError("worker.runtime.configure() was not called")
    return _settings


def register_warmup(
    queue: Criticality,
) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """A decorator: adds work that :func:`run_warmups` does before the calls
    of a queue arrive, such as the features' index."""

    def add(warmup: Callable[[], None]) -> Callable[[], None]:
        _warmups.append((queue, warmup))
        return warmup

    return add


def run_warmups(queues: Iterable[Criticality] | None = None) -> None:
    """Does the registered warm-ups of some queues (None: all), so that no
    call pays for them. Runs in a worker before it takes jobs (``--preload``)
    and in an all-in-one server in the background."""
    wanted = set(Criticality if queues is None else queues)
    for queue, warmup in _warmups:
        if queue not in wanted:
            continue
        started = time.perf_counter()
        warmup()
        _LOGGER.info(
            "%s done in %.2fs", warmup.__qualname__, time.perf_counter() - started
        )


def siibra() -> ModuleType:
    """The configured siibra module; the first call imports it (seconds)."""
    current = settings()
    with _lock:
        return load_siibra(
            current.configuration, current.siibra_cache_dir, current.upstream
        )


def warm(siibra_module: ModuleType) -> None:
    """Builds siibra's tables of atlases, spaces, parcellations and maps."""
    for table in ("atlases", "spaces", "parcellations", "maps"):
        list(getattr(siibra_module, table))
