"""ParcellationService."""

from __future__ import annotations

import dataclasses

from grpc import aio

from catalog.loader import CatalogHandle
from server._requests import page
from server.errors import InvalidArgumentError
from siibragrpc.v1 import parcellations_pb2, parcellations_pb2_grpc


class ParcellationServicer(parcellations_pb2_grpc.ParcellationServiceServicer):
    def __init__(self, catalog: CatalogHandle) -> None:
        self._catalog = catalog

    async def ListParcellations(
        self,
        request: parcellations_pb2.ListParcellationsRequest,
        context: aio.ServicerContext,
    ) -> parcellations_pb2.ListParcellationsResponse:
        _check_view(request.view)
        catalog = self._catalog.get()
        items = catalog.parcellations.list(request.species)
        result = page(items, request, catalog.data_version, request.species.lower())
        if request.view != parcellations_pb2.PARCELLATION_VIEW_FULL:
            result = dataclasses.replace(
                result, items=[catalog.basic_parcellation(p.id) for p in result.items]
            )
        return parcellations_pb2.ListParcellationsResponse(
            parcellations=result.items,
            next_page_token=result.next_page_token,
            total_size=result.total_size,
        )

    async def GetParcellation(
        self,
        request: parcellations_pb2.GetParcellationRequest,
        context: aio.ServicerContext,
    ) -> parcellations_pb2.Parcellation:
        _check_view(request.view)
        catalog = self._catalog.get()
        parcellation = catalog.parcellations.get(request.parcellation_id)
        if request.view == parcellations_pb2.PARCELLATION_VIEW_BASIC:
            return catalog.basic_parcellation(parcellation.id)
        return parcellation


def _check_view(view: int) -> None:
    if view not in parcellations_pb2.ParcellationView.values():
        raise InvalidArgumentError(f"view {view} is not a ParcellationView", "view")
