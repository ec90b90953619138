"""A snapshot of siibra's metadata as messages, and its cache on disk.

Importing siibra and building its tables takes seconds; loading a snapshot
takes milliseconds. Snapshots are keyed by the data version: the siibra
version, a hash of the configuration's content and :data:`FORMAT`, so a
change to any of them builds a new one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from siibragrpc.v1 import (
    atlases_pb2,
    maps_pb2,
    parcellations_pb2,
    regions_pb2,
    spaces_pb2,
)

_LOGGER = logging.getLogger(__name__)

# Bump when the snapshot's layout or the serializers' output changes.
FORMAT = 2


@dataclass(frozen=True)
class NameVocabulary:
    """siibra's rules for cleaning names before matching them."""

    remove: tuple[str, ...]
    replace: tuple[tuple[str, str], ...]


@dataclass
class Snapshot:
    """Every metadata message, in siibra's order."""

    data_version: str
    vocabulary: NameVocabulary
    atlases: list[atlases_pb2.Atlas]
    spaces: list[spaces_pb2.Space]
    parcellations: list[parcellations_pb2.Parcellation]
    # Per parcellation id: its regions depth-first, and each one's parent index.
    regions: dict[str, list[regions_pb2.Region]] = field(default_factory=dict)
    region_parents: dict[str, list[int]] = field(default_factory=dict)
    # Per kind ("atlases", ...): id -> position in siibra's preference order,
    # used when a specification matches several concepts.
    preference: dict[str, dict[str, int]] = field(default_factory=dict)
    # Parcellation maps with their regions, in siibra's order.
    maps: list[maps_pb2.Map] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        return pickle.dumps(
            {
                "format": FORMAT,
                "data_version": self.data_version,
                "vocabulary": self.vocabulary,
                "atlases": _pack(atlases_pb2.ListAtlasesResponse(atlases=self.atlases)),
                "spaces": _pack(spaces_pb2.ListSpacesResponse(spaces=self.spaces)),
                "parcellations": _pack(
                    parcellations_pb2.ListParcellationsResponse(
                        parcellations=self.parcellations
                    )
                ),
                "regions": {
                    pid: _pack(regions_pb2.ListRegionsResponse(regions=regions))
                    for pid, regions in self.regions.items()
                },
                "region_parents": self.region_parents,
                "preference": self.preference,
                "maps": _pack(maps_pb2.ListMapsResponse(maps=self.maps)),
            },
            protocol=pickle.HIGHEST_PROTOCOL,
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Snapshot:
        raw = pickle.loads(data)
        if raw.get("format") != FORMAT:
            raise ValueError(f"snapshot format {raw.get('format')}, want {FORMAT}")
        return cls(
            data_version=raw["data_version"],
            vocabulary=raw["vocabulary"],
            atlases=list(
                atlases_pb2.ListAtlasesResponse.FromString(raw["atlases"]).atlases
            ),
            spaces=list(spaces_pb2.ListSpacesResponse.FromString(raw["spaces"]).spaces),
            parcellations=list(
                parcellations_pb2.ListParcellationsResponse.FromString(
                    raw["parcellations"]
                ).parcellations
            ),
            regions={
                pid: list(regions_pb2.ListRegionsResponse.FromString(blob).regions)
                for pid, blob in raw["regions"].items()
            },
            region_parents=raw["region_parents"],
            preference=raw["preference"],
            maps=list(maps_pb2.ListMapsResponse.FromString(raw["maps"]).maps),
        )


def _pack(message: object) -> bytes:
    return message.SerializeToString()  # type: ignore[attr-defined]


def configuration_digest(configuration: Path) -> str:
    """A hash of every file's path and content in a configuration folder."""
    digest = hashlib.sha256()
    for path in sorted(p for p in configuration.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(configuration)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def data_version(configuration: Path | None) -> str:
    """Identifies the data a snapshot was built from.

    With siibra's online configuration the content cannot be hashed before
    siibra fetches it, so the version says "online" and no snapshot is reused.
    """
    siibra_version = metadata.version("siibra")
    content = configuration_digest(configuration) if configuration else "online"
    return f"siibra-{siibra_version}+{content}+f{FORMAT}"


def snapshot_path(cache_dir: Path, version: str) -> Path:
    return cache_dir / f"catalog-{version}.snapshot"


def load_cached(cache_dir: Path, version: str) -> Snapshot | None:
    """Returns the cached snapshot for a data version, or None."""
    path = snapshot_path(cache_dir, version)
    try:
        snapshot = Snapshot.from_bytes(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:
        _LOGGER.warning("ignoring unreadable snapshot %s", path, exc_info=True)
        return None
    if snapshot.data_version != version:
        return None
    return snapshot


def store(cache_dir: Path, snapshot: Snapshot) -> Path:
    """Writes a snapshot atomically, so concurrent starts never read half a file."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = snapshot_path(cache_dir, snapshot.data_version)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".snapshot-")
    with os.fdopen(fd, "wb") as out:
        out.write(snapshot.to_bytes())
    os.replace(tmp, path)
    return path
