"""SpaceService."""

from __future__ import annotations

from grpc import aio

from catalog.loader import CatalogHandle
from server._requests import page
from siibragrpc.v1 import spaces_pb2, spaces_pb2_grpc


class SpaceServicer(spaces_pb2_grpc.SpaceServiceServicer):
    def __init__(self, catalog: CatalogHandle) -> None:
        self._catalog = catalog

    async def ListSpaces(
        self, request: spaces_pb2.ListSpacesRequest, context: aio.ServicerContext
    ) -> spaces_pb2.ListSpacesResponse:
        catalog = self._catalog.get()
        items = catalog.spaces.list(request.species)
        result = page(items, request, catalog.data_version, request.species.lower())
        return spaces_pb2.ListSpacesResponse(
            spaces=result.items,
            next_page_token=result.next_page_token,
            total_size=result.total_size,
        )

    async def GetSpace(
        self, request: spaces_pb2.GetSpaceRequest, context: aio.ServicerContext
    ) -> spaces_pb2.Space:
        return self._catalog.get().spaces.get(request.space_id)
