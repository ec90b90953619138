"""Gets a :class:`~catalog.catalog.Catalog`: from the snapshot cache, else built.

Building imports siibra, which takes seconds and a few hundred MB. It runs in
a child process (``python -m serializers.snapshot``), so the server that
answers metadata calls never holds siibra's tables.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path

from catalog import snapshot
from catalog.catalog import Catalog
from server.errors import UnavailableError

_LOGGER = logging.getLogger(__name__)


class CatalogBuildError(RuntimeError):
    """The snapshot builder process failed."""


class CatalogHandle:
    """Holds the catalog once it is loaded; servicers read it through here."""

    def __init__(self) -> None:
        self._catalog: Catalog | None = None

    def set(self, catalog: Catalog) -> None:
        self._catalog = catalog

    @property
    def ready(self) -> bool:
        return self._catalog is not None

    @property
    def data_version(self) -> str | None:
        return None if self._catalog is None else self._catalog.data_version

    def get(self) -> Catalog:
        """Raises: UnavailableError: the metadata is still loading."""
        if self._catalog is None:
            raise UnavailableError("the atlas metadata is still loading; retry shortly")
        return self._catalog


async def build_snapshot(
    cache_dir: Path,
    version: str,
    configuration: Path | None,
    siibra_cache_dir: Path,
) -> None:
    """Runs the snapshot builder in a child process and waits for it."""
    argv = [
        *(sys.executable, "-m", "serializers.snapshot"),
        *("--cache-dir", str(cache_dir)),
        *("--version", version),
        *("--siibra-cache-dir", str(siibra_cache_dir)),
    ]
    if configuration is not None:
        argv += ["--configuration", str(configuration)]
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await process.communicate()
    except asyncio.CancelledError:
        process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise CatalogBuildError(
            f"snapshot builder exited with {process.returncode}:\n"
            + output.decode(errors="replace")[-4000:]
        )


def _index(loaded: snapshot.Snapshot) -> Catalog:
    catalog = Catalog(loaded)
    catalog.warm()
    return catalog


async def load_catalog(
    cache_dir: Path, configuration: Path | None, siibra_cache_dir: Path
) -> Catalog:
    """Loads the catalog for the current data, building its snapshot if needed.

    Raises:
        CatalogBuildError: the snapshot could not be built.
    """
    started = time.perf_counter()
    version = await asyncio.to_thread(snapshot.data_version, configuration)
    # Off the event loop: health checks keep being answered while this runs.
    loaded = await asyncio.to_thread(snapshot.load_cached, cache_dir, version)
    source = "cache"
    if loaded is None:
        source = "siibra"
        _LOGGER.info("no snapshot for %s; building one with siibra", version)
        await build_snapshot(cache_dir, version, configuration, siibra_cache_dir)
        loaded = await asyncio.to_thread(snapshot.load_cached, cache_dir, version)
        if loaded is None:
            raise CatalogBuildError(f"builder wrote no readable snapshot for {version}")
    catalog = await asyncio.to_thread(_index, loaded)
    _LOGGER.info(
        "catalog %s loaded from %s in %.2fs",
        version,
        source,
        time.perf_counter() - started,
    )
    return catalog
