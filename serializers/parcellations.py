"""siibra parcellations as ``Parcellation`` messages."""

from __future__ import annotations

from typing import Any

from serializers.common import description, publications, short_name, species_name
from siibragrpc.v1 import common_pb2, parcellations_pb2


def version_info(
    parcellation: Any, successor_of: dict[str, str]
) -> common_pb2.VersionInfo | None:
    """The version line of a parcellation.

    Args:
        parcellation: A siibra parcellation.
        successor_of: Maps an id to the id of the version that names it as its
            predecessor. The configuration sometimes links a version only to
            its predecessor, so the successor is filled in from that side too.
    """
    version = parcellation.version
    if version is None:
        return None
    successor = version.next_id or successor_of.get(parcellation.id, "")
    return common_pb2.VersionInfo(
        name=str(version.name or ""),
        predecessor_id=version.prev_id or "",
        successor_id=successor,
        is_latest=not successor,
    )


def parcellation_message(
    parcellation: Any,
    successor_of: dict[str, str],
    atlases: list[common_pb2.ResourceRef],
    spaces: list[common_pb2.ResourceRef],
    region_count: int,
) -> parcellations_pb2.Parcellation:
    message = parcellations_pb2.Parcellation(
        id=parcellation.id,
        name=parcellation.name,
        short_name=short_name(parcellation),
        key=parcellation.key,
        species=species_name(parcellation),
        modality=str(parcellation.modality or ""),
        description=description(parcellation),
        publications=publications(parcellation),
        atlases=atlases,
        spaces=spaces,
        region_count=region_count,
        regions=[
            common_pb2.ResourceRef(id=child.id, name=child.name)
            for child in parcellation.children
        ],
    )
    version = version_info(parcellation, successor_of)
    if version is not None:
        message.version.CopyFrom(version)
    return message
