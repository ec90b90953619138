"""siibra parcellation maps, assignments and volumes as ``maps.proto`` messages."""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterable, Mapping
from typing import Any

from google.api import httpbody_pb2

from serializers.common import (
    description,
    publications,
    ref,
    short_name,
    species_name,
)
from siibragrpc.v1 import common_pb2, maps_pb2

NIFTI_GZIP_CONTENT_TYPE = "application/gzip"
# Volumes are sent once and cached; level 6 costs little more than level 1
# and saves a third of the bytes on label maps.
_GZIP_LEVEL = 6


def map_type(siibra_map: Any) -> maps_pb2.MapType.ValueType:
    """The message's map type for a siibra map."""
    return (
        maps_pb2.MAP_TYPE_LABELLED
        if siibra_map.is_labelled
        else maps_pb2.MAP_TYPE_STATISTICAL
    )


def map_index(index: Any) -> maps_pb2.MapIndex:
    """A ``MapIndex`` message for a ``siibra.commons.MapIndex``."""
    message = maps_pb2.MapIndex(
        volume=int(index.volume or 0), fragment=str(index.fragment or "")
    )
    if index.label is not None:
        message.label = int(index.label)
    return message


def map_message(siibra_map: Any, regions_by_name: Mapping[str, Any]) -> maps_pb2.Map:
    """The full ``Map`` message, with every region it maps.

    Args:
        siibra_map: A siibra ``Map`` or ``SparseMap``.
        regions_by_name: The map's parcellation's regions by exact name. The
            map's index names are siibra's cleaned names, which equal the
            region names for every map in the configuration; a name that does
            not is listed with an empty region id.
    """
    mapped = []
    for name, indices in siibra_map._indices.items():
        region = regions_by_name.get(name)
        region_ref = (
            ref(region) if region is not None else common_pb2.ResourceRef(name=name)
        )
        mapped.append(
            maps_pb2.MappedRegion(
                region=region_ref, indices=[map_index(i) for i in indices]
            )
        )
    return maps_pb2.Map(
        id=siibra_map.id,
        name=siibra_map.name,
        short_name=short_name(siibra_map),
        key=siibra_map.key,
        species=species_name(siibra_map.space),
        map_type=map_type(siibra_map),
        parcellation=ref(siibra_map.parcellation),
        space=ref(siibra_map.space),
        description=description(siibra_map),
        publications=publications(siibra_map),
        volume_formats=sorted(siibra_map.formats),
        volume_count=len(siibra_map.volumes),
        fragments=sorted(siibra_map.fragments),
        provides_image=siibra_map.provides_image,
        provides_mesh=siibra_map.provides_mesh,
        region_count=len(mapped),
        regions=mapped,
    )


def coordinates(values: Iterable[float]) -> maps_pb2.Coordinates:
    x, y, z = (float(v) for v in values)
    return maps_pb2.Coordinates(x=x, y=y, z=z)


def _optional(value: Any) -> float | None:
    """A figure of siibra's assignment table; None where siibra has none."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None  # pandas' NA
    return None if math.isnan(number) else number


_FIGURES = {
    "correlation": "correlation",
    "intersection over union": "intersection_over_union",
    "map weighted mean": "map_weighted_mean",
    "map containedness": "map_containedness",
    "input weighted mean": "input_weighted_mean",
    "input containedness": "input_containedness",
}


def region_assignments(table: Any, labelled: bool) -> list[maps_pb2.RegionAssignment]:
    """The rows of ``Map.assign``'s table as messages, in the table's order.

    Args:
        table: The pandas table ``Map.assign`` returns.
        labelled: Whether the map is labelled (its values are labels).

    Rows whose map index names no region of the map (a label in the volume
    that the configuration does not list) are left out.
    """
    # Whole columns as lists: a row at a time costs more than siibra's lookup.
    columns = {name: table[name].tolist() for name in table.columns}
    result = []
    for row in range(len(table)):
        region = columns["region"][row]
        if region is None:
            continue
        value = _optional(columns["map value"][row])
        message = maps_pb2.RegionAssignment(
            region=ref(region), map_value=0.0 if value is None else value
        )
        fragment = columns["fragment"][row] if "fragment" in columns else None
        message.index.volume = int(columns["volume"][row] or 0)
        message.index.fragment = "" if _missing(fragment) else str(fragment)
        if labelled and value is not None:
            # siibra reports a labelled map's label as its value, and looks
            # the region up by it, for exact and uncertain points alike.
            message.index.label = int(value)
        for column, field in _FIGURES.items():
            figure = _optional(columns[column][row]) if column in columns else None
            if figure is not None:
                setattr(message, field, figure)
        result.append(message)
    return result


def _missing(value: Any) -> bool:
    import pandas  # siibra's tables are pandas; only workers get here

    return value is None or bool(pandas.isna(value))


def spatial_properties(
    region: Any,
    space: Any,
    kind: maps_pb2.MapType.ValueType,
    components: Iterable[Any],
    bounding_box: Any,
) -> maps_pb2.RegionSpatialProperties:
    """Builds the message from siibra's component properties and bounding box.

    Args:
        region: The siibra region.
        space: The siibra space.
        kind: The map type the mask came from.
        components: ``ComponentSpatialProperties``, largest first.
        bounding_box: A siibra ``BoundingBox``, or None when siibra has none.
    """
    message = maps_pb2.RegionSpatialProperties(
        region=ref(region),
        space=ref(space),
        map_type=kind,
        components=[
            maps_pb2.RegionComponent(
                centroid=coordinates(c.centroid.coordinate),
                volume_mm3=float(c.volume),
            )
            for c in components
        ],
    )
    if bounding_box is not None:
        message.bounding_box.min_point.CopyFrom(
            coordinates(bounding_box.minpoint.coordinate)
        )
        message.bounding_box.max_point.CopyFrom(
            coordinates(bounding_box.maxpoint.coordinate)
        )
    return message


def nifti_body(image: Any) -> httpbody_pb2.HttpBody:
    """A NIfTI image as a gzip-compressed file in an ``HttpBody``."""
    data = gzip.compress(image.to_bytes(), compresslevel=_GZIP_LEVEL, mtime=0)
    return httpbody_pb2.HttpBody(content_type=NIFTI_GZIP_CONTENT_TYPE, data=data)
