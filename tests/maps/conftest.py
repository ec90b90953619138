"""A server whose upstream hosts are mirrored on 127.0.0.1 with synthetic data.

Handlers read the process's runtime settings, which the last started server
sets; the ``maps`` and ``maps_rest`` fixtures set them to the mirrored
server's for each test, and ``use_settings`` changes them for one test (a
mirror that is down, a smaller fetch limit).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from server.app import SERVICE_NAMES, Service
from server.config import Settings
from server.envoy_proxy import EnvoyProxy, free_port
from siibragrpc.v1 import maps_pb2_grpc
from tests.maps.mirror import MirrorServer, SyntheticData
from upstream.http import UpstreamTimeouts
from upstream.mirrors import parse_mirrors
from worker import runtime


@pytest.fixture(scope="session")
def mirror_data(
    tmp_path_factory: pytest.TempPathFactory, configuration: Path
) -> SyntheticData:
    return SyntheticData(tmp_path_factory.mktemp("mirror"), configuration).build()


@pytest.fixture(scope="session")
def mirror(mirror_data: SyntheticData) -> Iterator[MirrorServer]:
    server = MirrorServer(mirror_data.root).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mirror_settings(
    settings: Settings, mirror: MirrorServer, mirror_data: SyntheticData
) -> Settings:
    # The snapshot cache of ``settings`` is reused: no second build.
    return dataclasses.replace(
        settings,
        upstream_mirrors=parse_mirrors(mirror.mirrors(mirror_data.hosts())),
        upstream=UpstreamTimeouts(connect_s=1.0, read_s=2.0),
    )


@pytest.fixture(scope="session")
def maps_service(loop_thread: Any, mirror_settings: Settings) -> Iterator[Service]:
    service = Service(mirror_settings)
    loop_thread.run(service.start())
    loop_thread.run(service.wait_until_serving(120), timeout=130)
    yield service
    loop_thread.run(service.stop())


@pytest.fixture(scope="session")
def maps_channel(maps_service: Service) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{maps_service.port}") as channel:
        yield channel


@pytest.fixture(scope="session")
def maps_envoy(maps_service: Service) -> Iterator[str]:
    proxy = EnvoyProxy("127.0.0.1", maps_service.port, free_port(), SERVICE_NAMES)
    proxy.start()
    yield proxy.base_url
    proxy.stop()


@pytest.fixture
def use_settings(maps_service: Service) -> Iterator[Callable[..., Settings]]:
    """Sets the handlers' settings for one test; call it to change them."""
    try:
        previous: Settings | None = runtime.settings()
    except RuntimeError:
        previous = None
    runtime.configure(maps_service.settings)

    def change(**changes: Any) -> Settings:
        changed = dataclasses.replace(maps_service.settings, **changes)
        runtime.configure(changed)
        return changed

    yield change
    if previous is not None:
        runtime.configure(previous)


@pytest.fixture
def maps(
    maps_channel: grpc.Channel, use_settings: Callable[..., Settings]
) -> maps_pb2_grpc.MapServiceStub:
    return maps_pb2_grpc.MapServiceStub(maps_channel)


@pytest.fixture
def maps_rest(maps_envoy: str, use_settings: Callable[..., Settings]) -> str:
    return maps_envoy
