"""AtlasService."""

from __future__ import annotations

from grpc import aio

from catalog.loader import CatalogHandle
from server._requests import page
from siibragrpc.v1 import atlases_pb2, atlases_pb2_grpc


class AtlasServicer(atlases_pb2_grpc.AtlasServiceServicer):
    def __init__(self, catalog: CatalogHandle) -> None:
        self._catalog = catalog

    async def ListAtlases(
        self, request: atlases_pb2.ListAtlasesRequest, context: aio.ServicerContext
    ) -> atlases_pb2.ListAtlasesResponse:
        catalog = self._catalog.get()
        items = catalog.atlases.list(request.species)
        result = page(items, request, catalog.data_version, request.species.lower())
        return atlases_pb2.ListAtlasesResponse(
            atlases=result.items,
            next_page_token=result.next_page_token,
            total_size=result.total_size,
        )

    async def GetAtlas(
        self, request: atlases_pb2.GetAtlasRequest, context: aio.ServicerContext
    ) -> atlases_pb2.Atlas:
        return self._catalog.get().atlases.get(request.atlas_id)
