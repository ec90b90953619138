"""RegionRelationService: related regions, read by siibra on a worker."""

from __future__ import annotations

from typing import cast

from grpc import aio

from catalog.loader import CatalogHandle
from server.dispatch import Dispatcher
from server.features import canonical_region
from siibragrpc.v1 import features_pb2, features_pb2_grpc
from worker.handlers.features import LIST_RELATED_REGIONS


class RegionRelationServicer(features_pb2_grpc.RegionRelationServiceServicer):
    def __init__(self, catalog: CatalogHandle, dispatcher: Dispatcher) -> None:
        self._catalog = catalog
        self._dispatcher = dispatcher

    async def ListRelatedRegions(
        self,
        request: features_pb2.ListRelatedRegionsRequest,
        context: aio.ServicerContext,
    ) -> features_pb2.ListRelatedRegionsResponse:
        parcellation_id, region = canonical_region(
            self._catalog.get(), request.parcellation_id, request.region_id
        )
        canonical = features_pb2.ListRelatedRegionsRequest(
            parcellation_id=parcellation_id, region_id=region
        )
        response = await self._dispatcher.call(LIST_RELATED_REGIONS, canonical, context)
        return cast(features_pb2.ListRelatedRegionsResponse, response)
