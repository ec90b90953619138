"""GeneService: the gene vocabulary, answered from memory."""

from __future__ import annotations

from grpc import aio

from catalog.genes import GeneIndexHandle
from catalog.loader import CatalogHandle
from server._requests import page
from server.errors import InvalidArgumentError
from siibragrpc.v1 import features_pb2, features_pb2_grpc

# Longer prefixes match no symbol; they are rejected before any search.
MAX_PREFIX_LENGTH = 100


class GeneServicer(features_pb2_grpc.GeneServiceServicer):
    def __init__(self, catalog: CatalogHandle, genes: GeneIndexHandle) -> None:
        self._catalog = catalog
        self._genes = genes

    async def ListGenes(
        self, request: features_pb2.ListGenesRequest, context: aio.ServicerContext
    ) -> features_pb2.ListGenesResponse:
        if len(request.prefix) > MAX_PREFIX_LENGTH:
            raise InvalidArgumentError(
                f"prefix is longer than {MAX_PREFIX_LENGTH} characters", "prefix"
            )
        catalog = self._catalog.get()
        prefix = request.prefix.strip().lower()
        genes = (await self._genes.get()).search(prefix)
        result = page(genes, request, catalog.data_version, prefix)
        return features_pb2.ListGenesResponse(
            genes=result.items,
            next_page_token=result.next_page_token,
            total_size=result.total_size,
        )
