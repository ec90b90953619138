"""FeatureService: listings, features and their data, computed on workers.

Before dispatching, the servicer checks a request and resolves its names with
the metadata index, so that a bad request fails at once, without a worker,
and equal requests spelled differently share one response cache entry.
"""

from __future__ import annotations

from typing import cast

from google.api import httpbody_pb2
from grpc import aio

from catalog.catalog import Catalog
from catalog.loader import CatalogHandle
from catalog.paging import page_size_or_default
from server.dispatch import Dispatcher
from server.errors import AmbiguousError
from siibragrpc.v1 import features_pb2, features_pb2_grpc, regions_pb2
from worker.features.ids import check_id
from worker.handlers.features import (
    GET_FEATURE,
    GET_FEATURE_DATA,
    GET_FEATURE_DATA_CSV,
    LIST_FEATURE_TYPES,
    LIST_FEATURES,
    concept_spec,
)


def canonical_region(
    catalog: Catalog, parcellation: str, region: str
) -> tuple[str, str]:
    """The parcellation id and region a worker can find without the catalog:
    the region's exact name, or its id where another region has that name.

    Raises:
        InvalidArgumentError: empty names; AmbiguousError: several regions
            match; NotFoundError: the parcellation or region is unknown.
    """
    found: regions_pb2.Region = catalog.get_region(parcellation, region)
    parcellation_id = found.parcellation.id
    try:
        by_name = catalog.get_region(parcellation_id, found.name)
    except AmbiguousError:
        return parcellation_id, found.id
    return parcellation_id, found.name if by_name.id == found.id else found.id


def canonical_listing(
    catalog: Catalog, request: features_pb2.ListFeaturesRequest
) -> features_pb2.ListFeaturesRequest:
    """The request with its concept named by canonical ids.

    Raises:
        InvalidArgumentError: a malformed query or page size.
        AmbiguousError, NotFoundError: as the metadata index resolves names.
    """
    spec = concept_spec(request)
    page_size_or_default(request.page_size)
    canonical = features_pb2.ListFeaturesRequest()
    canonical.CopyFrom(request)
    if spec.space_id:
        canonical.space_id = catalog.spaces.get(spec.space_id).id
    elif spec.region:
        canonical.parcellation_id, canonical.region_id = canonical_region(
            catalog, spec.parcellation_id, spec.region
        )
    else:
        canonical.parcellation_id = catalog.parcellations.get(spec.parcellation_id).id
    return canonical


class FeatureServicer(features_pb2_grpc.FeatureServiceServicer):
    def __init__(self, catalog: CatalogHandle, dispatcher: Dispatcher) -> None:
        self._catalog = catalog
        self._dispatcher = dispatcher

    async def ListFeatureTypes(
        self,
        request: features_pb2.ListFeatureTypesRequest,
        context: aio.ServicerContext,
    ) -> features_pb2.ListFeatureTypesResponse:
        response = await self._dispatcher.call(LIST_FEATURE_TYPES, request, context)
        return cast(features_pb2.ListFeatureTypesResponse, response)

    async def ListFeatures(
        self,
        request: features_pb2.ListFeaturesRequest,
        context: aio.ServicerContext,
    ) -> features_pb2.ListFeaturesResponse:
        canonical = canonical_listing(self._catalog.get(), request)
        response = await self._dispatcher.call(LIST_FEATURES, canonical, context)
        return cast(features_pb2.ListFeaturesResponse, response)

    async def GetFeature(
        self, request: features_pb2.GetFeatureRequest, context: aio.ServicerContext
    ) -> features_pb2.Feature:
        check_id(request.feature_id)
        response = await self._dispatcher.call(GET_FEATURE, request, context)
        return cast(features_pb2.Feature, response)

    async def GetFeatureData(
        self,
        request: features_pb2.GetFeatureDataRequest,
        context: aio.ServicerContext,
    ) -> features_pb2.FeatureData:
        check_id(request.feature_id)
        response = await self._dispatcher.call(GET_FEATURE_DATA, request, context)
        return cast(features_pb2.FeatureData, response)

    async def GetFeatureDataCsv(
        self,
        request: features_pb2.GetFeatureDataCsvRequest,
        context: aio.ServicerContext,
    ) -> httpbody_pb2.HttpBody:
        check_id(request.feature_id)
        response = await self._dispatcher.call(GET_FEATURE_DATA_CSV, request, context)
        return cast(httpbody_pb2.HttpBody, response)
