"""Shared fixtures: one in-process server over the real configuration, its
stubs, and Envoy in front of it.

The server runs its own asyncio loop in a background thread; tests call it
through real, blocking gRPC stubs on a free port, as any client would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc
import pytest

from server.app import SERVICE_NAMES, Service
from server.config import Settings
from server.envoy_proxy import EnvoyProxy, free_port
from server.local_redis import LocalRedis
from siibragrpc.v1 import (
    atlases_pb2_grpc,
    parcellations_pb2_grpc,
    regions_pb2_grpc,
    spaces_pb2_grpc,
)
from upstream.http import UpstreamTimeouts
from upstream.loader import load_siibra

JULICH_3_1 = (
    "minds/core/parcellationatlas/v1.0.0/94c1125b-b87e-45e4-901c-00daee7f2579-310"
)


class LoopThread:
    """An asyncio loop in a daemon thread, for running async servers from tests."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Any, timeout: float = 60) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()


@pytest.fixture(scope="session")
def configuration() -> Path:
    settings = Settings.from_env()
    if settings.configuration is None:
        pytest.fail(
            "no siibra configuration: set SIIBRA_GRPC_CONFIGURATION to its folder"
        )
    return settings.configuration


@pytest.fixture(scope="session")
def loop_thread() -> Iterator[LoopThread]:
    thread = LoopThread()
    yield thread
    thread.close()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, configuration: Path) -> Settings:
    return Settings(
        grpc_port=0,
        configuration=configuration,
        cache_dir=tmp_path_factory.mktemp("cache"),
        shutdown_grace_s=1.0,
    )


@pytest.fixture(scope="session")
def service(loop_thread: LoopThread, settings: Settings) -> Iterator[Service]:
    service = Service(settings)
    loop_thread.run(service.start())
    loop_thread.run(service.wait_until_serving(120), timeout=130)
    yield service
    loop_thread.run(service.stop())


@pytest.fixture(scope="session")
def channel(service: Service) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{service.port}") as channel:
        yield channel


@pytest.fixture(scope="session")
def atlases(channel: grpc.Channel) -> atlases_pb2_grpc.AtlasServiceStub:
    return atlases_pb2_grpc.AtlasServiceStub(channel)


@pytest.fixture(scope="session")
def spaces(channel: grpc.Channel) -> spaces_pb2_grpc.SpaceServiceStub:
    return spaces_pb2_grpc.SpaceServiceStub(channel)


@pytest.fixture(scope="session")
def parcellations(
    channel: grpc.Channel,
) -> parcellations_pb2_grpc.ParcellationServiceStub:
    return parcellations_pb2_grpc.ParcellationServiceStub(channel)


@pytest.fixture(scope="session")
def regions(channel: grpc.Channel) -> regions_pb2_grpc.RegionServiceStub:
    return regions_pb2_grpc.RegionServiceStub(channel)


@pytest.fixture(scope="session")
def rest_url(service: Service) -> Iterator[str]:
    """Base URL of a real Envoy process transcoding REST to the test server."""
    proxy = EnvoyProxy("127.0.0.1", service.port, free_port(), SERVICE_NAMES)
    proxy.start()
    yield proxy.base_url
    proxy.stop()


@pytest.fixture(scope="session")
def siibra(configuration: Path, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """siibra in the test process, loaded the way the service loads it."""
    return load_siibra(
        configuration, tmp_path_factory.mktemp("siibra-cache"), UpstreamTimeouts()
    )


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis of the test's own, on a free port."""
    server = LocalRedis()
    server.start()
    yield server.url
    server.close()


@contextmanager
def mirrored_worker(
    redis_url: str, settings: Settings, mirrors: str, cache_dir: Path, queues: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A ``worker.main`` process that reaches the data hosts through mirrors."""
    env = {
        **os.environ,
        "SIIBRA_GRPC_REDIS_URL": redis_url,
        "SIIBRA_GRPC_CONFIGURATION": str(settings.configuration),
        "SIIBRA_GRPC_CACHE_DIR": str(cache_dir),
        "SIIBRA_GRPC_UPSTREAM_MIRRORS": mirrors,
        "SIIBRA_GRPC_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "worker.main", "--preload", "--queues", queues],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(5)


@pytest.fixture
def silent_host() -> Iterator[str]:
    """ "127.0.0.1:port" of a host that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(1)
    for connection in accepted:
        connection.close()
    listener.close()
