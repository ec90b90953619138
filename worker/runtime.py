"""What a handler needs at run time: the settings and siibra, loaded once.

In all-in-one mode the server configures this at start; a worker process
configures it from its own settings. siibra is imported on first use only.
"""

from __future__ import annotations

import threading
from types import ModuleType

from server.config import Settings
from upstream.loader import load_siibra

_settings: Settings | None = None
_lock = threading.Lock()


def configure(settings: Settings) -> None:
    global _settings
    _settings = settings


def settings() -> Settings:
    if _settings is None:
        raise RuntimeError("worker.runtime.configure() was not called")
    return _settings


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
