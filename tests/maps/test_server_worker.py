"""Server-worker mode: map calls run on a worker process and are cached.

A real Redis, a server in server-worker mode in this process, and one
``python -m worker.main`` process that reaches the synthetic mirror through
its own SIIBRA_GRPC_* settings, as a worker on another machine would.
"""

from __future__ import annotations

import dataclasses
import gzip
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import grpc
import nibabel as nib
import numpy as np
import pytest
from redis import Redis

from server.app import Service
from server.config import SERVER_WORKER, QueueSettings, Settings
from siibragrpc.v1 import maps_pb2, maps_pb2_grpc
from tests.conftest import mirrored_worker
from tests.maps.mirror import JULICH_3_1_LABELLED, MirrorServer, SyntheticData


@pytest.fixture
def server_worker_service(
    loop_thread, mirror_settings: Settings, redis_url: str
) -> Iterator[Service]:
    queue = QueueSettings(mode=SERVER_WORKER, redis_url=redis_url)
    service = Service(dataclasses.replace(mirror_settings, queue=queue))
    loop_thread.run(service.start())
    loop_thread.run(service.wait_until_serving(60), timeout=70)
    yield service
    loop_thread.run(service.stop())


@pytest.fixture
def worker(
    redis_url: str,
    mirror: MirrorServer,
    mirror_data: SyntheticData,
    settings: Settings,
    tmp_path: Path,
) -> Iterator[subprocess.Popen[bytes]]:
    mirrors = mirror.mirrors(mirror_data.hosts())
    with mirrored_worker(redis_url, settings, mirrors, tmp_path, "volumes") as process:
        yield process


def test_calls_run_on_the_worker_and_are_then_cached(
    server_worker_service, worker, redis_url, mirror_data: SyntheticData
):
    request = maps_pb2.AssignPointRequest(
        map_id="mni152_jba31_labelled",
        coordinates=maps_pb2.Coordinates(x=12, y=-88, z=4),
    )
    volume = maps_pb2.GetVolumeRequest(
        map_id=JULICH_3_1_LABELLED, fragment="right", format="nii"
    )
    address = f"127.0.0.1:{server_worker_service.port}"
    with grpc.insecure_channel(address) as channel:
        maps = maps_pb2_grpc.MapServiceStub(channel)
        on_worker = maps.AssignPoint(request, timeout=60)
        body = maps.GetVolume(volume, timeout=30)
        worker.send_signal(signal.SIGKILL)
        worker.wait(5)
        # No worker is left: the same calls are answered from the cache, and
        # spelled another way they hit the same entries.
        request.map_id = JULICH_3_1_LABELLED
        cached = maps.AssignPoint(request, timeout=5)
        cached_body = maps.GetVolume(volume, timeout=5)

    assert [a.region.name for a in on_worker.assignments] == [
        "Area hOc1 (V1, 17, CalcS) right"
    ]
    assert cached == on_worker
    assert cached_body == body
    image = nib.Nifti1Image.from_bytes(gzip.decompress(body.data))
    np.testing.assert_array_equal(
        np.asanyarray(image.dataobj), mirror_data.label_array("right hemisphere")
    )
    cache_keys = Redis.from_url(redis_url).keys("siibra-grpc:cache:*")
    assert len(cache_keys) == 2
