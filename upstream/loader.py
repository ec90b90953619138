"""Imports siibra set up for this service: configuration, patches, timeouts."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import ModuleType

from upstream import http, patches

_LOGGER = logging.getLogger(__name__)

_loaded: ModuleType | None = None


def load_siibra(
    configuration: Path | None,
    cache_dir: Path | None,
    timeouts: http.UpstreamTimeouts,
) -> ModuleType:
    """Returns the siibra module, importing and preparing it on the first call.

    Args:
        configuration: A local siibra configuration folder, or None for
            siibra's online default.
        cache_dir: siibra's disk cache folder, or None for its default.
        timeouts: Connect and read timeouts for every upstream fetch.

    Raises:
        UnsupportedSiibraVersionError: siibra is not the pinned version.
    """
    global _loaded
    if _loaded is not None:
        return _loaded

    # siibra reads these once, at import.
    if configuration is not None:
        os.environ["SIIBRA_USE_CONFIGURATION"] = str(configuration)
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        os.environ["SIIBRA_CACHEDIR"] = str(cache_dir)
    os.environ.setdefault("TQDM_DISABLE", "1")

    import siibra
    import siibra.retrieval.requests as siibra_requests

    patches.apply(siibra)
    http.install(siibra_requests, timeouts)
    # siibra installs a handler of its own; drop it so that its records go
    # through the service's logging once, in the service's format.
    siibra_logger = logging.getLogger("siibra")
    siibra_logger.handlers.clear()
    siibra_logger.propagate = True
    siibra_logger.setLevel(logging.WARNING)
    _LOGGER.info(
        "siibra %s loaded, configuration %s",
        siibra.__version__,
        configuration or "online default",
    )
    _loaded = siibra
    return siibra
