"""Parcellation maps in the metadata index: lookups, filtered listings, regions."""

from __future__ import annotations

from collections.abc import Sequence

from server.errors import InvalidArgumentError, NotFoundError
from siibragrpc.v1 import maps_pb2

# Longer ids are rejected before any lookup.
MAX_MAP_ID_LENGTH = 512


def _listed(full: maps_pb2.Map) -> maps_pb2.Map:
    """A map as listings show it: everything but the regions."""
    listed = maps_pb2.Map()
    listed.CopyFrom(full)
    listed.ClearField("regions")
    return listed


class MapTable:
    """Every map, found by id or key, listed in siibra's order."""

    def __init__(self, maps: Sequence[maps_pb2.Map]) -> None:
        self.full = tuple(maps)
        self.listed = tuple(_listed(m) for m in self.full)
        self._by_id = {m.id: i for i, m in enumerate(self.full)}
        self._by_key = {m.key.lower(): i for i, m in enumerate(self.full)}
        # Per map id: region name -> the indices the map holds it at.
        self._mapped: dict[str, dict[str, maps_pb2.MappedRegion]] = {
            m.id: {r.region.name: r for r in m.regions} for m in self.full
        }

    def list(
        self,
        parcellation_id: str = "",
        space_id: str = "",
        map_type: maps_pb2.MapType.ValueType = maps_pb2.MAP_TYPE_UNSPECIFIED,
    ) -> Sequence[maps_pb2.Map]:
        """Maps without their regions, filtered by exact parcellation and
        space ids (empty: any) and type (unspecified: any)."""
        return [
            m
            for m in self.listed
            if (not parcellation_id or m.parcellation.id == parcellation_id)
            and (not space_id or m.space.id == space_id)
            and (map_type == maps_pb2.MAP_TYPE_UNSPECIFIED or m.map_type == map_type)
        ]

    def get(self, spec: str) -> maps_pb2.Map:
        """Resolves a map id, or a key in any case, to the full map.

        Raises:
            InvalidArgumentError: empty or over-long id.
            NotFoundError: no map has that id or key.
        """
        stripped = spec.strip()
        if not stripped:
            raise InvalidArgumentError("map_id must not be empty", "map_id")
        if len(spec) > MAX_MAP_ID_LENGTH:
            raise InvalidArgumentError(
                f"map_id is longer than {MAX_MAP_ID_LENGTH} characters", "map_id"
            )
        index = self._by_id.get(stripped)
        if index is None:
            index = self._by_key.get(stripped.lower())
        if index is None:
            raise NotFoundError("map", stripped)
        return self.full[index]

    def mapped_region(self, map_id: str, region_name: str) -> maps_pb2.MappedRegion:
        """Where a map holds a region, by the region's exact name.

        Raises:
            InvalidArgumentError: the map does not hold that region.
        """
        found = self._mapped[map_id].get(region_name)
        if found is None:
            raise InvalidArgumentError(
                f"{region_name!r} is not a region of map {map_id}; "
                "GetMap lists the regions it holds",
                "region_id",
            )
        return found
