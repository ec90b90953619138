"""siibra regions as ``Region`` messages, in depth-first order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from serializers.common import description, publications, ref
from siibragrpc.v1 import common_pb2, regions_pb2


def _rgb_hex(rgb: tuple[int, int, int] | None) -> str:
    if not rgb:
        return ""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def region_messages(parcellation: Any) -> Iterator[tuple[regions_pb2.Region, int]]:
    """Yields each region below a parcellation with its parent's position.

    Regions come depth-first, parents before children; the position is the
    parent's index in this sequence, or -1 for top-level regions.
    """
    parcellation_ref = ref(parcellation)
    stack: list[tuple[Any, int, list[common_pb2.ResourceRef]]] = [
        (child, -1, []) for child in reversed(parcellation.children)
    ]
    index = 0
    while stack:
        region, parent_index, ancestors = stack.pop()
        message = regions_pb2.Region(
            id=region.id,
            name=region.name,
            parcellation=parcellation_ref,
            children=[ref(child) for child in region.children],
            ancestors=ancestors,
            rgb=_rgb_hex(region.rgb),
            depth=len(ancestors) + 1,
            publications=publications(region),
            description=description(region),
        )
        if ancestors:
            message.parent.CopyFrom(ancestors[-1])
        yield message, parent_index
        lineage = [*ancestors, ref(region)]
        stack.extend((child, index, lineage) for child in reversed(region.children))
        index += 1
