"""RegionService."""

from __future__ import annotations

from grpc import aio

from catalog.loader import CatalogHandle
from server._requests import page
from siibragrpc.v1 import regions_pb2, regions_pb2_grpc


class RegionServicer(regions_pb2_grpc.RegionServiceServicer):
    def __init__(self, catalog: CatalogHandle) -> None:
        self._catalog = catalog

    async def ListRegions(
        self, request: regions_pb2.ListRegionsRequest, context: aio.ServicerContext
    ) -> regions_pb2.ListRegionsResponse:
        catalog = self._catalog.get()
        parcellation = catalog.parcellations.get(request.parcellation_id)
        items = catalog.list_regions(parcellation.id, request.name_filter)
        result = page(
            items,
            request,
            catalog.data_version,
            parcellation.id,
            request.name_filter.strip(),
        )
        return regions_pb2.ListRegionsResponse(
            regions=result.items,
            next_page_token=result.next_page_token,
            total_size=result.total_size,
        )

    async def GetRegion(
        self, request: regions_pb2.GetRegionRequest, context: aio.ServicerContext
    ) -> regions_pb2.Region:
        return self._catalog.get().get_region(
            request.parcellation_id, request.region_id
        )
