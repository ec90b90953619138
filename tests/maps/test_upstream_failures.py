"""When upstream data cannot be had: hosts down or silent, fetches too large.

siibra keeps what it fetched on disk and in memory, so these tests ask for
data that no other test in the session fetches successfully: Julich-Brain
2.9's labelled map and the Colin 27 template. The "no mirror" test runs a
server of its own in a fresh process, with an empty siibra cache.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import requests
from grpc_health.v1 import health_pb2, health_pb2_grpc

from server.config import Settings
from server.envoy_proxy import free_port
from siibragrpc.v1 import maps_pb2, maps_pb2_grpc
from tests.maps.mirror import JULICH_3_1_LABELLED, SyntheticData
from tests.maps.statuses import rejected
from upstream.http import UpstreamTimeouts
from upstream.mirrors import parse_mirrors

ROOT = Path(__file__).resolve().parents[2]
JULICH_2_9_LABELLED = "siibra-map-v0.0.1_mni152-jba29-labelled"
COLIN27 = "colin 27"
HOSTS = (
    "https://data-proxy.ebrains.eu",
    "https://neuroglancer.humanbrainproject.eu",
    "http://www.bic.mni.mcgill.ca",
    "http://packages.bic.mni.mcgill.ca",
)


def assign_request(map_id: str) -> maps_pb2.AssignPointRequest:
    return maps_pb2.AssignPointRequest(
        map_id=map_id, coordinates=maps_pb2.Coordinates(x=-12, y=-88, z=4)
    )


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def mirrored_to(host: str) -> dict:
    return {
        "upstream_mirrors": parse_mirrors(
            ",".join(f"{origin}=http://{host}/x" for origin in HOSTS)
        )
    }


def test_host_down_is_unavailable_naming_it_fast(
    maps, use_settings, closed_port, siibra
):
    # ``siibra`` is loaded first, so that only the call itself is timed.
    use_settings(**mirrored_to(f"127.0.0.1:{closed_port}"))
    started = time.monotonic()

    code, message, _ = rejected(
        lambda: maps.AssignPoint(assign_request(JULICH_2_9_LABELLED), timeout=30)
    )

    assert code == grpc.StatusCode.UNAVAILABLE
    assert f"127.0.0.1:{closed_port} (mirror of data-proxy.ebrains.eu)" in message
    assert "cannot be reached" in message
    assert time.monotonic() - started < 2.0


def test_host_down_for_a_volume_over_grpc_stream_and_rest(
    maps, maps_rest, use_settings, closed_port
):
    use_settings(**mirrored_to(f"127.0.0.1:{closed_port}"))

    code, message, _ = rejected(
        lambda: list(
            maps.StreamVolume(
                maps_pb2.StreamVolumeRequest(space_id=COLIN27), timeout=30
            )
        )
    )
    response = requests.get(
        f"{maps_rest}/v1/maps/{JULICH_2_9_LABELLED}/volume",
        params={"fragment": "left"},
        timeout=30,
    )

    assert code == grpc.StatusCode.UNAVAILABLE
    assert "mirror of packages.bic.mni.mcgill.ca" in message
    assert response.status_code == 503
    assert response.json()["code"] == 14
    assert "mirror of data-proxy.ebrains.eu" in response.json()["message"]


def test_silent_host_is_unavailable_within_the_read_timeout(
    maps, use_settings, silent_host, siibra
):
    use_settings(
        upstream=UpstreamTimeouts(connect_s=0.5, read_s=0.5),
        **mirrored_to(silent_host),
    )
    started = time.monotonic()

    code, message, _ = rejected(
        lambda: maps.AssignPoint(assign_request(JULICH_2_9_LABELLED), timeout=30)
    )

    assert code == grpc.StatusCode.UNAVAILABLE
    assert f"{silent_host} (mirror of data-proxy.ebrains.eu) did not answer" in message
    # One read timeout: the host is not asked again within the call.
    assert time.monotonic() - started < 1.5


def test_fetch_over_the_limit_is_resource_exhausted(
    maps, maps_rest, use_settings, mirror_data: SyntheticData
):
    archive = mirror_data.path_of(mirror_data.urls["colin27 template zip"])
    limit = archive.stat().st_size // 2
    use_settings(max_fetch_bytes=limit)

    code, message, _ = rejected(
        lambda: maps.GetVolume(maps_pb2.GetVolumeRequest(space_id=COLIN27), timeout=30)
    )
    response = requests.get(f"{maps_rest}/v1/spaces/colin27/template", timeout=30)

    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert f"more than the {limit} bytes" in message
    assert "mirror of packages.bic.mni.mcgill.ca" in message
    assert response.status_code == 429
    assert response.json()["code"] == 8


def test_answer_over_the_limit_is_resource_exhausted(maps, use_settings):
    # However it was fetched (or found in siibra's cache), an answer larger
    # than the limit is not sent.
    use_settings(max_fetch_bytes=100)

    code, _, _ = rejected(
        lambda: maps.GetVolume(
            maps_pb2.GetVolumeRequest(
                map_id=JULICH_3_1_LABELLED, fragment="left hemisphere"
            ),
            timeout=30,
        )
    )

    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED


class ServerProcess:
    """``python -m server.main`` with REST, in a process of its own."""

    def __init__(self, env: dict[str, str]) -> None:
        self.grpc_port, self.rest_port = free_port(), free_port()
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "server.main"),
                *("--grpc-port", str(self.grpc_port)),
                *("--rest-port", str(self.rest_port)),
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_until_serving(self, channel: grpc.Channel, timeout_s: float) -> None:
        health = health_pb2_grpc.HealthStub(channel)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the server exited"
            try:
                status = health.Check(health_pb2.HealthCheckRequest(), timeout=1)
                rest = requests.get(f"{self.rest_url}/v1/maps", timeout=1)
                if status.status == health_pb2.HealthCheckResponse.SERVING and rest.ok:
                    return
            except (grpc.RpcError, requests.ConnectionError):
                pass
            time.sleep(0.1)
        raise TimeoutError("the server did not get ready")

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.rest_port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def unmirrored_server(
    maps_service, settings: Settings, tmp_path: Path
) -> Iterator[ServerProcess]:
    """A server with no mirror and an empty siibra cache; the metadata snapshot
    is copied so that it does not have to be built again."""
    for snapshot in settings.cache_dir.glob("catalog-*.snapshot"):
        shutil.copy(snapshot, tmp_path / snapshot.name)
    server = ServerProcess(
        {
            "SIIBRA_GRPC_CONFIGURATION": str(settings.configuration),
            "SIIBRA_GRPC_CACHE_DIR": str(tmp_path),
            "SIIBRA_GRPC_UPSTREAM_MIRRORS": "",
            "SIIBRA_GRPC_MODE": "all-in-one",
            "SIIBRA_GRPC_REDIS_URL": "",
        }
    )
    yield server
    server.stop()


def test_without_a_mirror_metadata_works_and_data_calls_fail_fast(
    unmirrored_server: ServerProcess,
):
    with grpc.insecure_channel(f"127.0.0.1:{unmirrored_server.grpc_port}") as channel:
        unmirrored_server.wait_until_serving(channel, 30)
        maps = maps_pb2_grpc.MapServiceStub(channel)
        listed = maps.ListMaps(maps_pb2.ListMapsRequest(), timeout=5)
        found = maps.GetMap(maps_pb2.GetMapRequest(map_id=JULICH_3_1_LABELLED))
        # The first data call loads siibra (seconds); the ones after are timed.
        first = rejected(
            lambda: maps.AssignPoint(assign_request(JULICH_3_1_LABELLED), timeout=60)
        )
        started = time.monotonic()
        streamed = rejected(
            lambda: list(
                maps.StreamVolume(
                    maps_pb2.StreamVolumeRequest(
                        map_id=JULICH_3_1_LABELLED, fragment="left hemisphere"
                    ),
                    timeout=30,
                )
            )
        )
        streamed_s = time.monotonic() - started
    started = time.monotonic()
    rest_assign = requests.post(
        f"{unmirrored_server.rest_url}/v1/maps/{JULICH_3_1_LABELLED}:assignPoint",
        json={"coordinates": {"x": 12, "y": -88, "z": 4}},
        timeout=30,
    )
    rest_volume = requests.get(
        f"{unmirrored_server.rest_url}/v1/spaces/mni152/template", timeout=30
    )
    rest_s = time.monotonic() - started

    assert listed.total_size == 63
    assert found.region_count == 414
    for code, message, _ in (first, streamed):
        assert code == grpc.StatusCode.UNAVAILABLE
        assert "data-proxy.ebrains.eu cannot be reached" in message
    assert "neuroglancer.humanbrainproject.eu cannot be reached" in first[1]
    assert streamed_s < 2.0
    assert rest_assign.status_code == rest_volume.status_code == 503
    assert "data-proxy.ebrains.eu" in rest_assign.json()["message"]
    assert "www.bic.mni.mcgill.ca cannot be reached" in rest_volume.json()["message"]
    assert rest_s < 3.0
