"""MapService: map metadata from memory; assignment and volumes on workers.

Before dispatching, the servicer checks a request and resolves its names with
the metadata index, so that a bad request fails at once, without a worker,
and equal requests spelled differently share one response cache entry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

from google.api import httpbody_pb2
from grpc import aio

from catalog.catalog import Catalog
from catalog.loader import CatalogHandle
from server._requests import page
from server.dispatch import Dispatcher
from server.errors import InvalidArgumentError
from siibragrpc.v1 import maps_pb2, maps_pb2_grpc
from worker.handlers.maps import (
    ASSIGN_POINT,
    GET_REGION_SPATIAL_PROPERTIES,
    GET_VOLUME,
    check_point,
    check_volume_request,
    image_format,
    match_fragment,
)

# Bytes per VolumeChunk: well under gRPC's 4 MiB message limit, and large
# enough that a volume of hundreds of MB takes few messages.
CHUNK_BYTES = 1024 * 1024


def _check_map_type(value: int, field: str = "map_type") -> None:
    if value not in maps_pb2.MapType.values():
        raise InvalidArgumentError(f"{field} {value} is not a map type", field)


class MapServicer(maps_pb2_grpc.MapServiceServicer):
    def __init__(self, catalog: CatalogHandle, dispatcher: Dispatcher) -> None:
        self._catalog = catalog
        self._dispatcher = dispatcher

    async def ListMaps(
        self, request: maps_pb2.ListMapsRequest, context: aio.ServicerContext
    ) -> maps_pb2.ListMapsResponse:
        catalog = self._catalog.get()
        _check_map_type(request.map_type)
        parcellation_id = space_id = ""
        if request.parcellation_id.strip():
            parcellation_id = catalog.parcellations.get(request.parcellation_id).id
        if request.space_id.strip():
            space_id = catalog.spaces.get(request.space_id).id
        items = catalog.maps.list(parcellation_id, space_id, request.map_type)
        result = page(
            items,
            request,
            catalog.data_version,
            parcellation_id,
            space_id,
            str(request.map_type),
        )
        return maps_pb2.ListMapsResponse(
            maps=result.items,
            next_page_token=result.next_page_token,
            total_size=result.total_size,
        )

    async def GetMap(
        self, request: maps_pb2.GetMapRequest, context: aio.ServicerContext
    ) -> maps_pb2.Map:
        return self._catalog.get().maps.get(request.map_id)

    async def AssignPoint(
        self, request: maps_pb2.AssignPointRequest, context: aio.ServicerContext
    ) -> maps_pb2.AssignPointResponse:
        check_point(request)
        catalog = self._catalog.get()
        found = catalog.maps.get(request.map_id)
        normalized = maps_pb2.AssignPointRequest()
        normalized.CopyFrom(request)
        normalized.map_id = found.id
        normalized.space_id = ""  # the map's own space
        if request.space_id.strip():
            space = catalog.spaces.get(request.space_id)
            if space.id != found.space.id:
                normalized.space_id = space.id
        if normalized.space_id and request.sigma_mm:
            raise InvalidArgumentError(
                "sigma_mm needs a point in the map's space: siibra drops the "
                "uncertainty when it warps points between spaces",
                "sigma_mm",
            )
        response = await self._dispatcher.call(ASSIGN_POINT, normalized, context)
        return cast(maps_pb2.AssignPointResponse, response)

    async def GetRegionSpatialProperties(
        self,
        request: maps_pb2.GetRegionSpatialPropertiesRequest,
        context: aio.ServicerContext,
    ) -> maps_pb2.RegionSpatialProperties:
        _check_map_type(request.map_type)
        catalog = self._catalog.get()
        parcellation = catalog.parcellations.get(request.parcellation_id)
        region = catalog.get_region(parcellation.id, request.region_id)
        if not request.space_id.strip():
            raise InvalidArgumentError("space_id is required", "space_id")
        space = catalog.spaces.get(request.space_id)
        if space.id not in {s.id for s in parcellation.spaces}:
            raise InvalidArgumentError(
                f"{parcellation.name} has no map in {space.name}", "space_id"
            )
        normalized = maps_pb2.GetRegionSpatialPropertiesRequest(
            parcellation_id=parcellation.id,
            region_id=region.name,
            space_id=space.id,
            map_type=request.map_type or maps_pb2.MAP_TYPE_LABELLED,
        )
        response = await self._dispatcher.call(
            GET_REGION_SPATIAL_PROPERTIES, normalized, context
        )
        return cast(maps_pb2.RegionSpatialProperties, response)

    async def GetVolume(
        self, request: maps_pb2.GetVolumeRequest, context: aio.ServicerContext
    ) -> httpbody_pb2.HttpBody:
        normalized = _volume_request(self._catalog.get(), request)
        response = await self._dispatcher.call(GET_VOLUME, normalized, context)
        return cast(httpbody_pb2.HttpBody, response)

    async def StreamVolume(
        self, request: maps_pb2.StreamVolumeRequest, context: aio.ServicerContext
    ) -> AsyncIterator[maps_pb2.VolumeChunk]:
        # The two request messages have the same fields and numbers, so the
        # stream shares GetVolume's worker call and its cache entries.
        as_get = maps_pb2.GetVolumeRequest.FromString(request.SerializeToString())
        normalized = _volume_request(self._catalog.get(), as_get)
        body = cast(
            httpbody_pb2.HttpBody,
            await self._dispatcher.call(GET_VOLUME, normalized, context),
        )
        data = body.data
        for offset in range(0, max(len(data), 1), CHUNK_BYTES):
            chunk = maps_pb2.VolumeChunk(data=data[offset : offset + CHUNK_BYTES])
            if offset == 0:
                chunk.content_type = body.content_type
                chunk.total_size = len(data)
            yield chunk


def _volume_request(
    catalog: Catalog, request: maps_pb2.GetVolumeRequest
) -> maps_pb2.GetVolumeRequest:
    """The request with ids and full names, checked against the metadata.

    Raises:
        InvalidArgumentError: fields that do not fit together or that the
            map or space does not offer.
        NotFoundError: unknown map, space or region.
    """
    source = check_volume_request(request)
    normalized = maps_pb2.GetVolumeRequest(format=request.format)
    if source == "space_id":
        space = catalog.spaces.get(request.space_id)
        image_format(space.volume_formats, request.format, f"{space.name}'s template")
        normalized.space_id = space.id
        return normalized
    found = catalog.maps.get(request.map_id)
    normalized.map_id = found.id
    image_format(found.volume_formats, request.format, found.id)
    if request.region_id:
        region = catalog.get_region(found.parcellation.id, request.region_id)
        catalog.maps.mapped_region(found.id, region.name)
        normalized.region_id = region.name
    elif found.map_type == maps_pb2.MAP_TYPE_STATISTICAL and found.volume_count > 1:
        raise InvalidArgumentError(
            f"{found.id} has one volume per region: give region_id", "region_id"
        )
    if request.fragment:
        normalized.fragment = match_fragment(found.fragments, request.fragment)
    return normalized
