"""Every listed id resolves by itself, over gRPC and REST; bad ids fail."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import grpc
import pytest

from siibragrpc.v1 import features_pb2
from tests.features.conftest import (
    AREA_44_LEFT,
    HARVARD_OXFORD_THR0,
    HOC1_LEFT,
    list_all,
    rest_get,
)

pytestmark = pytest.mark.usefixtures("without_mirror")

# A few regions, each with features of several types; their listings are
# partial here (some features need remote maps), which does not matter: every
# id they do list must resolve.
REGIONS = [
    ("julich 3.1", HOC1_LEFT),
    ("julich 3.1", AREA_44_LEFT),
    (HARVARD_OXFORD_THR0, "Left Frontal Pole"),
]
# Skipped: image types, whose matching tries every map of the region's
# parcellation for each image (seconds) when the map hosts cannot be reached.
TYPES = [
    "Tabular",
    "RegionalConnectivity",
]


@pytest.fixture(scope="module")
def listed(features):
    return {
        region: list_all(
            features, parcellation_id=parcellation, region_id=region, types=TYPES
        )
        for parcellation, region in REGIONS
    }


def _without_relations(feature: features_pb2.Feature) -> features_pb2.Feature:
    copy = features_pb2.Feature()
    copy.CopyFrom(feature)
    copy.anchor.ClearField("relations")
    copy.ClearField("elements")
    return copy


def test_ids_are_unique_within_and_across_listings(listed):
    ids = [f.id for response in listed.values() for f in response.features]
    within = [
        len({f.id for f in r.features}) == len(r.features) for r in listed.values()
    ]

    assert all(within)
    # Compounds are bound to their query; configured features may repeat
    # across regions, with the same id.
    assert len(ids) > 25
    assert {f.type for r in listed.values() for f in r.features} >= {
        "ReceptorDensityFingerprint",
        "ReceptorDensityProfile",
        "StreamlineCounts",
        "FunctionalConnectivity",
        "LayerwiseCellDensity",
    }


def test_every_listed_id_resolves_to_the_same_feature(features, listed):
    for response in listed.values():
        for feature in response.features:
            got = features.GetFeature(
                features_pb2.GetFeatureRequest(feature_id=feature.id), timeout=60
            )
            assert _without_relations(got) == _without_relations(feature)
            if feature.compound:
                assert len(got.elements) == feature.element_count
                # A compound got by id keeps how it relates to its query.
                assert list(got.anchor.relations) == list(feature.anchor.relations)


def test_every_element_of_a_compound_resolves(features, listed):
    response = listed[HOC1_LEFT]
    compound = next(f for f in response.features if f.type == "StreamlineCounts")
    got = features.GetFeature(
        features_pb2.GetFeatureRequest(feature_id=compound.id), timeout=60
    )

    indices = [e.index for e in got.elements]
    assert indices == [f"{i:03d}" for i in range(200)]
    element_ids = {e.id for e in got.elements}
    assert len(element_ids) == 200
    for element in got.elements:
        single = features.GetFeature(
            features_pb2.GetFeatureRequest(feature_id=element.id), timeout=60
        )
        assert single.id == element.id
        assert single.name == element.name
        assert single.type == "StreamlineCounts"
        assert not single.compound


def test_every_listed_id_resolves_over_rest(rest_url, listed):
    for response in listed.values():
        for feature in response.features:
            got = rest_get(rest_url, f"/v1/features/{quote(feature.id, safe='')}")
            assert got.status_code == 200, got.text
            assert got.json()["id"] == feature.id
            assert got.json()["name"] == feature.name


def _encoded(prefix: str, payload: dict) -> str:
    raw = json.dumps(payload).encode()
    return prefix + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "feature_id",
    [
        "e715e1f7-2079-45c4-a67f-f76b102acfce--00000000000000000000000000000000",
        "no such feature",
        _encoded(
            "cf1-",
            {"t": "NoSuchType", "x": [], "a": "", "c": {"k": "parcellation", "p": "x"}},
        ),
    ],
)
def test_unknown_ids_are_not_found(features, feature_id):
    with pytest.raises(grpc.RpcError) as caught:
        features.GetFeature(
            features_pb2.GetFeatureRequest(feature_id=feature_id), timeout=60
        )

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    "feature_id",
    [
        "",
        "cf1-!!not base64!!",
        "lq1-" + base64.urlsafe_b64encode(b"[1, 2]").decode(),
        _encoded("cf1-", {"t": "StreamlineCounts", "c": {"k": "moon"}}),
        "x" * 5000,
        "tab\there",
    ],
)
def test_malformed_ids_are_invalid(features, feature_id):
    for method in (features.GetFeature, features.GetFeatureData):
        request_type = (
            features_pb2.GetFeatureRequest
            if method is features.GetFeature
            else features_pb2.GetFeatureDataRequest
        )
        with pytest.raises(grpc.RpcError) as caught:
            method(request_type(feature_id=feature_id), timeout=60)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_unknown_id_over_rest_is_404(rest_url, features):
    response = rest_get(rest_url, f"/v1/features/{quote('no/such--feature', safe='')}")

    assert response.status_code == 404
    assert response.json()["message"]
