"""The gene vocabulary siibra ships, searchable by symbol prefix in memory.

siibra reads it from ``siibra/vocabularies/gene_names.json`` (symbol ->
description) when imported. The server reads the same file without
importing siibra, which would cost seconds and hundreds of MB.
"""

from __future__ import annotations

import asyncio
import bisect
import importlib.util
import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path

from siibragrpc.v1 import features_pb2

_LOGGER = logging.getLogger(__name__)

VOCABULARY = Path("vocabularies") / "gene_names.json"


def vocabulary_path() -> Path:
    """The vocabulary file of the installed siibra, found without importing it.

    Raises:
        FileNotFoundError: siibra is not installed, or has no such file.
    """
    spec = importlib.util.find_spec("siibra")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("siibra is not installed")
    return Path(spec.origin).parent / VOCABULARY


class GeneIndex:
    """Genes in order of their lower-case symbols, found by prefix."""

    def __init__(self, names: dict[str, str]) -> None:
        ordered = sorted(names.items(), key=lambda item: (item[0].lower(), item[0]))
        self._keys = [symbol.lower() for symbol, _ in ordered]
        self._genes = [
            features_pb2.Gene(symbol=symbol, description=str(description))
            for symbol, description in ordered
        ]

    @classmethod
    def load(cls, path: Path | None = None) -> GeneIndex:
        """Raises: OSError, ValueError: the vocabulary cannot be read."""
        started = time.perf_counter()
        names = json.loads((path or vocabulary_path()).read_text())
        index = cls(names)
        _LOGGER.info(
            "gene vocabulary: %d genes in %.0fms",
            len(index),
            (time.perf_counter() - started) * 1e3,
        )
        return index

    def __len__(self) -> int:
        return len(self._genes)

    def search(self, prefix: str) -> Sequence[features_pb2.Gene]:
        """Genes whose symbol starts with ``prefix``, case-insensitive."""
        wanted = prefix.strip().lower()
        start = bisect.bisect_left(self._keys, wanted)
        # Every key with the prefix sorts before the prefix followed by the
        # largest code point.
        stop = bisect.bisect_left(self._keys, wanted + "\U0010ffff", lo=start)
        return self._genes[start:stop]


class GeneIndexHandle:
    """Loads the index once, off the event loop, for the first caller."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._index: GeneIndex | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> GeneIndex:
        """Raises: OSError, ValueError: the vocabulary cannot be read."""
        if self._index is None:
            async with self._lock:
                if self._index is None:
                    self._index = await asyncio.to_thread(GeneIndex.load, self._path)
        return self._index
