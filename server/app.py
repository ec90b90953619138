"""The gRPC server: servicers, health, reflection, and the catalog behind them."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
from collections.abc import Callable

from google.longrunning import operations_pb2_grpc as lro_grpc
from google.longrunning import operations_proto_pb2 as lro_pb2
from grpc import aio
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection

from catalog.genes import GeneIndexHandle
from catalog.loader import CatalogHandle, load_catalog
from server.atlases import AtlasServicer
from server.cache import CachingDispatcher, ResponseCache
from server.config import SERVER_WORKER, Settings
from server.dispatch import Dispatcher, InProcessDispatcher
from server.features import FeatureServicer
from server.genes import GeneServicer
from server.interceptors import ErrorMappingInterceptor
from server.maps import MapServicer
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
from server.relations import RegionRelationServicer
from server.spaces import SpaceServicer
from siibragrpc.v1 import (
    atlases_pb2,
    atlases_pb2_grpc,
    features_pb2,
    features_pb2_grpc,
    maps_pb2,
    maps_pb2_grpc,
    operations_pb2,
    operations_pb2_grpc,
    parcellations_pb2,
    parcellations_pb2_grpc,
    regions_pb2,
    regions_pb2_grpc,
    spaces_pb2,
    spaces_pb2_grpc,
)
from worker import handlers as _handlers  # noqa: F401  (registers worker calls)
from worker import runtime

_LOGGER = logging.getLogger(__name__)

SERVICE_NAMES = tuple(
    module.DESCRIPTOR.services_by_name[name].full_name
    for module, name in (
        (atlases_pb2, "AtlasService"),
        (spaces_pb2, "SpaceService"),
        (parcellations_pb2, "ParcellationService"),
        (regions_pb2, "RegionService"),
        (maps_pb2, "MapService"),
        (features_pb2, "FeatureService"),
        (features_pb2, "RegionRelationService"),
        (features_pb2, "GeneService"),
        (operations_pb2, "OperationService"),
        (lro_pb2, "Operations"),
    )
)
# In all-in-one mode these report SERVING once warm (see Service._warm), so a
# client that waits for them never pays the first listing's cold cost.
WARMED_SERVICES = tuple(
    features_pb2.DESCRIPTOR.services_by_name[name].full_name
    for name in ("FeatureService", "RegionRelationService")
)
# Shutdown waits for this long without a new call before it stops serving.
DRAIN_QUIET_S = 0.2
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
        self._interceptor = ErrorMappingInterceptor()
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
        self.genes = GeneIndexHandle()
        self.warm_s = 0.0
        self._server: aio.Server | None = None
        self._loading: asyncio.Task[None] | None = None
        self._warming: asyncio.Task[None] | None = None

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
        server = aio.server(
            interceptors=[self._interceptor],
            # gRPC shares ports by default: a second server on the same port
            # must fail instead of silently taking half of the calls.
            options=[("grpc.so_reuseport", 0)],
        )
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
        maps_pb2_grpc.add_MapServiceServicer_to_server(
            MapServicer(self.catalog, self.dispatcher), server
        )
        features_pb2_grpc.add_FeatureServiceServicer_to_server(
            FeatureServicer(self.catalog, self.dispatcher), server
        )
        features_pb2_grpc.add_RegionRelationServiceServicer_to_server(
            RegionRelationServicer(self.catalog, self.dispatcher), server
        )
        features_pb2_grpc.add_GeneServiceServicer_to_server(
            GeneServicer(self.catalog, self.genes), server
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
        warm_later = self.settings.queue.mode != SERVER_WORKER
        for name in ("", *SERVICE_NAMES):
            if not (warm_later and name in WARMED_SERVICES):
                await self.health.set(name, SERVING)
        self.serving_at = time.perf_counter()
        _LOGGER.info("SERVING %.2fs after start", self.serving_at - self.started_at)
        self._warming = asyncio.create_task(self._warm())

    async def _warm(self) -> None:
        """Does after SERVING what the first calls would pay: the gene index;
        in all-in-one mode also siibra's import and the features' index,
        whose anchor decoding takes seconds per process (server-worker
        workers do it with ``--preload`` before they take jobs). The services
        of :data:`WARMED_SERVICES` report SERVING when it is done.

        It runs on a daemon thread: the event loop keeps answering, and a
        stopping server does not wait for it.
        """
        started = time.perf_counter()
        await self.genes.get()
        if self.settings.queue.mode != SERVER_WORKER:
            try:
                await _in_daemon_thread(_warm_in_process)
            except Exception:
                _LOGGER.exception("warm-up failed; the first calls will do it")
        self.warm_s = time.perf_counter() - started
        for name in WARMED_SERVICES:
            await self.health.set(name, SERVING)
        _LOGGER.info("warm %.2fs after SERVING", self.warm_s)

    async def wait_until_warm(self, timeout_s: float) -> None:
        """Raises: TimeoutError, or the loading error."""
        await self.wait_until_serving(timeout_s)
        assert self._warming is not None
        await asyncio.wait_for(asyncio.shield(self._warming), timeout_s)

    async def wait_until_serving(self, timeout_s: float) -> None:
        """Raises: TimeoutError, or the loading error."""
        if self._loading is None:
            raise RuntimeError("start() first")
        await asyncio.wait_for(asyncio.shield(self._loading), timeout_s)

    async def _drain(self) -> None:
        """Keeps serving until the calls already sent have been answered.

        gRPC's own stop cancels calls it has received but not yet handed to
        a handler, and a busy server hands them over only as earlier ones
        finish. So it serves on until no call is running and none has started
        for a moment, up to the grace period.
        """
        deadline = time.monotonic() + self.settings.shutdown_grace_s
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            quiet_s = time.monotonic() - self._interceptor.last_started
            if self._interceptor.active == 0 and quiet_s >= DRAIN_QUIET_S:
                return

    async def stop(self) -> None:
        """Reports NOT_SERVING, then lets calls in flight finish within the grace."""
        await self.health.enter_graceful_shutdown()
        for task in (self._loading, self._warming):
            if task is not None and not task.done():
                task.cancel()
        if self._server is not None:
            await self._drain()
            await self._server.stop(self.settings.shutdown_grace_s)
            _LOGGER.info("stopped")
        await self.operations.close()
        await self.dispatcher.close()


# While warming, the interpreter hands the GIL to the event loop this often
# (default 5 ms): warm-up is pure Python for seconds, and metadata calls
# would otherwise wait for it several times each.
WARM_SWITCH_INTERVAL_S = 0.0005


# Servers of one process (tests) warm one at a time: the work is shared, and
# the switch interval is the process's.
_WARM_LOCK = threading.Lock()


def _warm_in_process() -> None:
    with _WARM_LOCK:
        previous = sys.getswitchinterval()
        sys.setswitchinterval(WARM_SWITCH_INTERVAL_S)
        try:
            runtime.warm(runtime.siibra())
            runtime.run_warmups()
        finally:
            sys.setswitchinterval(previous)


async def _in_daemon_thread(work: Callable[[], None]) -> None:
    """Runs ``work`` on a daemon thread and waits for it without blocking."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def run() -> None:
        try:
            work()
        except BaseException as error:  # handed to the waiting coroutine
            loop.call_soon_threadsafe(_settle, done, error)
        else:
            loop.call_soon_threadsafe(_settle, done, None)

    threading.Thread(target=run, name="warm-up", daemon=True).start()
    await done


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
