"""siibra reference spaces as ``Space`` messages."""

from __future__ import annotations

from typing import Any

from serializers.common import description, publications, short_name, species_name
from siibragrpc.v1 import common_pb2, spaces_pb2


def space_message(
    space: Any,
    atlases: list[common_pb2.ResourceRef],
    parcellations: list[common_pb2.ResourceRef],
) -> spaces_pb2.Space:
    """Builds a Space; the links come from the caller, who sees every concept."""
    formats = sorted({fmt for volume in space.volumes for fmt in volume.formats})
    return spaces_pb2.Space(
        id=space.id,
        name=space.name,
        short_name=short_name(space),
        key=space.key,
        species=species_name(space),
        modality=str(getattr(space, "modality", None) or ""),
        description=description(space),
        publications=publications(space),
        provides_image=space.provides_image,
        provides_mesh=space.provides_mesh,
        volume_formats=formats,
        atlases=atlases,
        parcellations=parcellations,
    )
