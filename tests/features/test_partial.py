"""Partial listings: what cannot be matched is counted, never cached as whole.

Cell density profiles carry a point in BigBrain space; matching one to a
region of another space needs siibra's remote warping service, which cannot
be reached here. The profiles anchored to the region itself match by name.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from server.app import Service
from server.config import QueueSettings
from server.local_redis import LocalRedis
from siibragrpc.v1 import features_pb2, features_pb2_grpc
from tests.conftest import JULICH_3_1
from tests.features.conftest import HOC1, HOC1_LEFT, using
from upstream.mirrors import parse_mirrors

ROOT = Path(__file__).resolve().parents[2]
WARP_HOST = "siibra-spatial-backend.apps.ebrains.eu"
QUERY = {
    "parcellation_id": "julich 3.1",
    "region_id": HOC1_LEFT,
    "types": ["CellDensityProfile"],
}


def _list(stub, **query):
    return stub.ListFeatures(features_pb2.ListFeaturesRequest(**query), timeout=120)


def _summary(response):
    return (
        [f.id for f in response.features],
        [(s.type, s.count, s.reason) for s in response.skipped],
    )


@pytest.mark.usefixtures("without_mirror")
def test_failed_features_are_counted_not_fatal(features):
    first = _list(features, **QUERY)
    again = _list(features, **QUERY)

    (profiles,) = first.features
    assert profiles.anchor.region_spec == HOC1
    assert profiles.element_count == 10
    assert first.skipped_count == 112
    (skipped,) = first.skipped
    assert skipped.type == "CellDensityProfile"
    assert skipped.count == 112
    assert f"{WARP_HOST} cannot be reached" in skipped.reason
    assert _summary(again) == _summary(first)


def test_partial_listings_are_computed_again(features, plain_settings, feature_mirror):
    # The warping service's host on the mirror, which has no such service.
    warp_on_mirror = dataclasses.replace(
        plain_settings,
        upstream_mirrors=parse_mirrors(
            feature_mirror.mirrors([f"https://{WARP_HOST}"])
        ),
    )

    def warp_requests() -> int:
        return sum(WARP_HOST in path for path in feature_mirror.served)

    for _ in using(warp_on_mirror):
        before = warp_requests()
        first = _list(features, **QUERY)
        between = warp_requests()
        again = _list(features, **QUERY)
        after = warp_requests()
    for _ in using(dataclasses.replace(warp_on_mirror, feature_retry_after_s=60.0)):
        remembered = _list(features, **QUERY)
        asked = warp_requests()
        cached = _list(features, **QUERY)
        unasked = warp_requests()

    assert between > before and after > between
    assert first.skipped_count == again.skipped_count == 112
    assert "(mirror of siibra-spatial-backend.apps.ebrains.eu) answered HTTP 404" in (
        first.skipped[0].reason
    )
    # Within the retry interval: the same answer, without asking again.
    assert asked > after and unasked == asked
    assert _summary(remembered) == _summary(cached) == _summary(first)


@pytest.fixture(scope="module")
def redis_service(loop_thread, plain_settings, warm_service):
    redis = LocalRedis()
    redis.start()
    settings = dataclasses.replace(
        plain_settings, queue=QueueSettings(redis_url=redis.url)
    )
    service = Service(settings)
    loop_thread.run(service.start())
    loop_thread.run(service.wait_until_warm(120), timeout=130)
    yield service
    loop_thread.run(service.stop())
    redis.close()


def test_response_cache_stores_complete_listings_only(redis_service, plain_settings):
    import grpc

    cache = redis_service.dispatcher.cache
    with grpc.insecure_channel(f"127.0.0.1:{redis_service.port}") as channel:
        stub = features_pb2_grpc.FeatureServiceStub(channel)
        for _ in using(plain_settings):
            complete = [
                _list(stub, **{**QUERY, "types": ["ReceptorDensityProfile"]})
                for _ in range(2)
            ]
            hits = cache.counts["hit"]
            partial = [_list(stub, **QUERY) for _ in range(2)]

    assert complete[0].skipped_count == 0 and complete[0] == complete[1]
    assert hits == 1
    assert all(p.skipped_count == 112 for p in partial)
    # Both partial answers were computed: neither came from the cache.
    assert cache.counts["hit"] == hits


@pytest.mark.usefixtures("without_mirror")
def test_fresh_process_answers_like_this_one(features, plain_settings):
    """The first listing in a new process equals the hundredth in this one."""
    script = f"""
import json
from pathlib import Path
from upstream.http import UpstreamPolicy, UpstreamTimeouts
from upstream.loader import load_siibra
from upstream.scope import fetch_scope
from worker.features.engine import FeatureEngine
from worker.features.ids import ConceptSpec
from serializers.features import entry

siibra = load_siibra(
    Path({str(plain_settings.configuration)!r}),
    Path({str(plain_settings.siibra_cache_dir)!r}),
    UpstreamTimeouts(),
)
spec = ConceptSpec("region", parcellation_id={JULICH_3_1!r}, region={HOC1_LEFT!r})
with fetch_scope(UpstreamPolicy()):
    listing = FeatureEngine(siibra).list_features(spec, ["CellDensityProfile"])
print(json.dumps([
    [entry(e).id for e in listing.entries],
    [[s.type_name, s.count, s.reason] for s in listing.skipped],
]))
"""
    here = _list(features, **QUERY)

    output = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    ids, skipped = json.loads(output.strip().splitlines()[-1])

    assert ids == [f.id for f in here.features]
    assert [tuple(s) for s in skipped] == [
        (s.type, s.count, s.reason) for s in here.skipped
    ]
