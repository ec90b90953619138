"""The gRPC server: servicers, health, reflection, and the catalog behind them."""

from __future__ import annotations

import asyncio
import logging
import time

from google.longrunning import operations_pb2_grpc as lro_grpc
from google.longrunning import operations_proto_pb2 as lro_pb2
from grpc import aio
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection

from catalog.loader import CatalogHandle, load_catalog
from server.atlases import AtlasServicer
from server.cache import CachingDispatcher, ResponseCache
from server.config import SERVER_WORKER, Settings
from server.dispatch import Dispatcher, InProcessDispatcher
from server.interceptors import ErrorMappingInterceptor
from server.operations import (
    MemoryOperationStore,
    OperationRunner,
    OperationStore,
    RedisOperationStore,
)
from server.operations_api import LongRunningServicer, OperationServicer
from server.parcellations import ParcellationServicer
from server.queue_dispatch import QueueDispatcher
from server.regions import RegionServicer
from server.spaces import SpaceServicer
from siibragrpc.v1 import (
    atlases_pb2,
    atlases_pb2_grpc,
    operations_pb2,
    operations_pb2_grpc,
    parcellations_pb2,
    parcellations_pb2_grpc,
    regions_pb2,
    regions_pb2_grpc,
    spaces_pb2,
    spaces_pb2_grpc,
)
from worker import runtime

_LOGGER = logging.getLogger(__name__)

SERVICE_NAMES = tuple(
    module.DESCRIPTOR.services_by_name[name].full_name
    for module, name in (
        (atlases_pb2, "AtlasService"),
        (spaces_pb2, "SpaceService"),
        (parcellations_pb2, "ParcellationService"),
        (regions_pb2, "RegionService"),
        (operations_pb2, "OperationService"),
        (lro_pb2, "Operations"),
    )
)
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class Service:
    """One server process. ``start`` returns as soon as the port is bound; the
    health service reports NOT_SERVING until the catalog has loaded."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = CatalogHandle()
        self.health = HealthServicer()
        self.port = 0
        self.started_at = 0.0
        self.serving_at = 0.0
        self.dispatcher: Dispatcher = self._make_dispatcher()
        store: OperationStore = (
            RedisOperationStore(settings.queue.redis_url)
            if settings.queue.redis_url
            else MemoryOperationStore()
        )
        self.operations = OperationRunner(
            self.dispatcher,
            store,
            settings.queue.operation_ttl_s,
            settings.queue.default_job_timeout_s,
        )
        self._server: aio.Server | None = None
        self._loading: asyncio.Task[None] | None = None

    def _make_dispatcher(self) -> Dispatcher:
        queue = self.settings.queue
        dispatcher: Dispatcher
        if queue.mode == SERVER_WORKER:
            dispatcher = QueueDispatcher(queue)
        else:
            dispatcher = InProcessDispatcher()
        if queue.redis_url:
            cache = ResponseCache(
                queue.redis_url, queue.cache_ttl_s, lambda: self.catalog.data_version
            )
            dispatcher = CachingDispatcher(dispatcher, cache)
        return dispatcher

    async def start(self) -> int:
        self.started_at = time.perf_counter()
        server = aio.server(interceptors=[ErrorMappingInterceptor()])
        runtime.configure(self.settings)
        self._add_servicers(server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        reflection.enable_server_reflection(
            (
                *SERVICE_NAMES,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ),
            server,
        )
        for name in ("", *SERVICE_NAMES):
            await self.health.set(name, NOT_SERVING)
        address = f"{self.settings.host}:{self.settings.grpc_port}"
        self.port = server.add_insecure_port(address)
        await self.dispatcher.start()
        await self.operations.start()
        await server.start()
        self._server = server
        _LOGGER.info("listening on %s:%d", self.settings.host, self.port)
        self._loading = asyncio.create_task(self._load())
        return self.port

    def _add_servicers(self, server: aio.Server) -> None:
        """Every domain service; each servicer gets what it reads from."""
        atlases_pb2_grpc.add_AtlasServiceServicer_to_server(
            AtlasServicer(self.catalog), server
        )
        spaces_pb2_grpc.add_SpaceServiceServicer_to_server(
            SpaceServicer(self.catalog), server
        )
        parcellations_pb2_grpc.add_ParcellationServiceServicer_to_server(
            ParcellationServicer(self.catalog), server
        )
        regions_pb2_grpc.add_RegionServiceServicer_to_server(
            RegionServicer(self.catalog), server
        )
        operations_pb2_grpc.add_OperationServiceServicer_to_server(
            OperationServicer(self.operations), server
        )
        lro_grpc.add_OperationsServicer_to_server(
            LongRunningServicer(self.operations), server
        )

    async def _load(self) -> None:
        settings = self.settings
        try:
            catalog = await load_catalog(
                settings.cache_dir, settings.configuration, settings.siibra_cache_dir
            )
        except Exception:
            _LOGGER.exception("the atlas metadata could not be loaded; not serving")
            raise
        self.catalog.set(catalog)
        for name in ("", *SERVICE_NAMES):
            await self.health.set(name, SERVING)
        self.serving_at = time.perf_counter()
        _LOGGER.info("SERVING %.2fs after start", self.serving_at - self.started_at)

    async def wait_until_serving(self, timeout_s: float) -> None:
        """Raises: TimeoutError, or the loading error."""
        if self._loading is None:
            raise RuntimeError("start() first")
        await asyncio.wait_for(asyncio.shield(self._loading), timeout_s)

    async def stop(self) -> None:
        """Reports NOT_SERVING, then lets calls in flight finish within the grace."""
        await self.health.enter_graceful_shutdown()
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()
        if self._server is not None:
            await self._server.stop(self.settings.shutdown_grace_s)
            _LOGGER.info("stopped")
        await self.operations.close()
        await self.dispatcher.close()
