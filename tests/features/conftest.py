"""Feature tests: the shared server, warmed, and a mirror with feature data.

Listings come from the real configuration. Data come from small files on a
local mirror (``tests.features.mirror``), which the handlers reach through
the upstream mirror setting. Handlers read the process's runtime settings,
which the last started server sets; ``with_mirror`` and ``without_mirror``
set them for one test and restore them after.

siibra's disk cache keeps every file it fetched, and the process keeps
feature tables it read: a test that expects a fetch to fail asks for a
feature no other test fetches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc
import pytest
import requests

from server.app import Service
from server.config import Settings
from siibragrpc.v1 import features_pb2, features_pb2_grpc
from tests.conftest import LoopThread
from tests.features.mirror import FeatureMirrorData, RelationDocuments
from tests.maps.mirror import MirrorServer
from upstream.http import UpstreamTimeouts
from upstream.mirrors import parse_mirrors
from worker import runtime

JULICH_2_9 = "julich 2.9"
HOC1 = "Area hOc1 (V1, 17, CalcS)"
HOC1_LEFT = "Area hOc1 (V1, 17, CalcS) left"
AREA_44_LEFT = "Area 44 (IFG) left"
HARVARD_OXFORD_THR0 = "HarvardOxford cort maxprob thr0"
BIGBRAIN = "bigbrain"


def _entity(siibra: ModuleType, parcellation: str, region: str, kind: str) -> Any:
    found = siibra.get_region(parcellation, region)
    return found._spec["ebrains"][f"openminds/{kind}"]


@pytest.fixture(scope="session")
def relation_ids(siibra: ModuleType) -> RelationDocuments:
    """The Knowledge Graph ids the configuration gives the regions the
    related-region tests ask about."""
    return RelationDocuments(
        hoc1_entity=_entity(siibra, JULICH_2_9, HOC1, "ParcellationEntity"),
        pg_entity=_entity(siibra, "MEBRAINS", "PG", "CustomAnatomicalEntity"),
        pga_entity=_entity(siibra, JULICH_2_9, "Area PGa (IPL)", "ParcellationEntity"),
        pga_versions=tuple(
            _entity(
                siibra, "julich 3.0.3", "Area PGa (IPL)", "ParcellationEntityVersion"
            )
        ),
    )


@pytest.fixture(scope="session")
def feature_data(
    tmp_path_factory: pytest.TempPathFactory,
    configuration: Path,
    relation_ids: RelationDocuments,
) -> FeatureMirrorData:
    root = tmp_path_factory.mktemp("feature-mirror")
    return FeatureMirrorData(root, configuration).build(relation_ids)


@pytest.fixture(scope="session")
def feature_mirror(feature_data: FeatureMirrorData) -> Iterator[MirrorServer]:
    server = MirrorServer(feature_data.root).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def warm_service(service: Service, loop_thread: LoopThread) -> Service:
    """The shared server once its features are indexed (seconds, once)."""
    loop_thread.run(service.wait_until_warm(180), timeout=190)
    return service


@pytest.fixture(scope="session")
def plain_settings(warm_service: Service) -> Settings:
    """The server's settings, with failed matchings retried at every call."""
    return dataclasses.replace(warm_service.settings, feature_retry_after_s=0.0)


@pytest.fixture(scope="session")
def mirrored_settings(
    plain_settings: Settings,
    feature_mirror: MirrorServer,
    feature_data: FeatureMirrorData,
) -> Settings:
    return dataclasses.replace(
        plain_settings,
        upstream_mirrors=parse_mirrors(feature_mirror.mirrors(feature_data.hosts())),
        upstream=UpstreamTimeouts(connect_s=1.0, read_s=2.0),
    )


def using(settings: Settings) -> Iterator[Settings]:
    """Sets the handlers' settings while the generator is suspended."""
    try:
        previous: Settings | None = runtime.settings()
    except RuntimeError:
        previous = None
    runtime.configure(settings)
    yield settings
    if previous is not None:
        runtime.configure(previous)


@pytest.fixture
def with_mirror(mirrored_settings: Settings) -> Iterator[Settings]:
    """Handlers fetch upstream files from the test mirror."""
    yield from using(mirrored_settings)


@pytest.fixture
def without_mirror(plain_settings: Settings) -> Iterator[Settings]:
    """Handlers fetch from the real hosts, which cannot be reached here."""
    yield from using(plain_settings)


@pytest.fixture(scope="session")
def features(
    warm_service: Service, channel: grpc.Channel
) -> features_pb2_grpc.FeatureServiceStub:
    return features_pb2_grpc.FeatureServiceStub(channel)


@pytest.fixture(scope="session")
def relations(
    warm_service: Service, channel: grpc.Channel
) -> features_pb2_grpc.RegionRelationServiceStub:
    return features_pb2_grpc.RegionRelationServiceStub(channel)


@pytest.fixture(scope="session")
def genes(
    warm_service: Service, channel: grpc.Channel
) -> features_pb2_grpc.GeneServiceStub:
    return features_pb2_grpc.GeneServiceStub(channel)


def list_all(
    stub: features_pb2_grpc.FeatureServiceStub, **query: Any
) -> features_pb2.ListFeaturesResponse:
    """Every page of a listing, in one response."""
    request = features_pb2.ListFeaturesRequest(page_size=1000, **query)
    response = stub.ListFeatures(request, timeout=120)
    while response.next_page_token:
        request.page_token = response.next_page_token
        more = stub.ListFeatures(request, timeout=120)
        response.features.extend(more.features)
        response.next_page_token = more.next_page_token
    return response


def rest_get(rest_url: str, path: str, **params: Any) -> requests.Response:
    return requests.get(rest_url + path, params=params, timeout=60)
