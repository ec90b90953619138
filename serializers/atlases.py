"""siibra atlases as ``Atlas`` messages."""

from __future__ import annotations

from typing import Any

from serializers.common import refs, short_name, species_name
from siibragrpc.v1 import atlases_pb2


def atlas_message(atlas: Any) -> atlases_pb2.Atlas:
    return atlases_pb2.Atlas(
        id=atlas.id,
        name=atlas.name,
        short_name=short_name(atlas),
        key=atlas.key,
        species=species_name(atlas),
        spaces=refs(atlas.spaces),
        parcellations=refs(atlas.parcellations),
        prerelease=bool(getattr(atlas, "_prerelease", False)),
    )
