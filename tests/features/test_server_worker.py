"""Server-worker mode: feature calls run on a worker process and are cached.

A real Redis, a server in server-worker mode in this process, and one
``python -m worker.main --preload --queues features`` process that reaches
the test mirror through its own SIIBRA_GRPC_* settings, as a worker on
another machine would.
"""

from __future__ import annotations

import dataclasses
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from redis import Redis

from server.app import Service
from server.config import SERVER_WORKER, QueueSettings, Settings
from siibragrpc.v1 import features_pb2, features_pb2_grpc
from tests.conftest import mirrored_worker
from tests.features.conftest import HOC1, HOC1_LEFT, JULICH_2_9
from tests.features.mirror import FeatureMirrorData
from tests.maps.mirror import MirrorServer


@pytest.fixture
def server_worker_service(
    loop_thread, plain_settings: Settings, redis_url: str
) -> Iterator[Service]:
    queue = QueueSettings(mode=SERVER_WORKER, redis_url=redis_url)
    service = Service(dataclasses.replace(plain_settings, queue=queue))
    loop_thread.run(service.start())
    loop_thread.run(service.wait_until_warm(60), timeout=70)
    yield service
    loop_thread.run(service.stop())


@pytest.fixture
def worker(
    redis_url: str,
    feature_mirror: MirrorServer,
    feature_data: FeatureMirrorData,
    plain_settings: Settings,
    tmp_path: Path,
) -> Iterator[subprocess.Popen[bytes]]:
    mirrors = feature_mirror.mirrors(feature_data.hosts())
    with mirrored_worker(
        redis_url, plain_settings, mirrors, tmp_path, "features"
    ) as process:
        yield process


def test_feature_calls_run_on_the_worker_and_are_then_cached(
    server_worker_service, worker, redis_url, feature_data: FeatureMirrorData
):
    listing = features_pb2.ListFeaturesRequest(
        parcellation_id="julich 3.1",
        region_id=HOC1_LEFT,
        types=["ReceptorDensityFingerprint"],
    )
    related = features_pb2.ListRelatedRegionsRequest(
        parcellation_id=JULICH_2_9, region_id=HOC1
    )
    address = f"127.0.0.1:{server_worker_service.port}"
    with grpc.insecure_channel(address) as channel:
        features = features_pb2_grpc.FeatureServiceStub(channel)
        relations = features_pb2_grpc.RegionRelationServiceStub(channel)
        # The worker takes jobs once it is warm: the first call waits for that.
        listed = features.ListFeatures(listing, timeout=120)
        (fingerprint,) = listed.features
        data_request = features_pb2.GetFeatureDataRequest(feature_id=fingerprint.id)
        data = features.GetFeatureData(data_request, timeout=60)
        relation = relations.ListRelatedRegions(related, timeout=60)
        worker.send_signal(signal.SIGKILL)
        worker.wait(5)
        # No worker is left: the same calls are answered from the cache, and
        # spelled another way they hit the same entries.
        listing.region_id = "hOc1 left"
        cached_listing = features.ListFeatures(listing, timeout=5)
        cached_data = features.GetFeatureData(data_request, timeout=5)
        cached_relation = relations.ListRelatedRegions(related, timeout=5)

    assert fingerprint.anchor.region_spec == HOC1
    assert [c.text for c in data.table.index.cells] == list(feature_data.fingerprint)
    assert relation.related_regions
    assert (cached_listing, cached_data, cached_relation) == (listed, data, relation)
    cache_keys = Redis.from_url(redis_url).keys("siibra-grpc:cache:*")
    assert len(cache_keys) == 3
