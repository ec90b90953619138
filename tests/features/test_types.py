"""The feature type hierarchy and what each type can be queried with."""

from __future__ import annotations

from pathlib import Path

from siibragrpc.v1 import features_pb2
from tests.features.conftest import rest_get

REGION = features_pb2.CONCEPT_KIND_REGION
PARCELLATION = features_pb2.CONCEPT_KIND_PARCELLATION
SPACE = features_pb2.CONCEPT_KIND_SPACE


def _types(features):
    response = features.ListFeatureTypes(
        features_pb2.ListFeatureTypesRequest(), timeout=60
    )
    return {t.name: t for t in response.feature_types}, response


def test_hierarchy_lists_parents_before_children(features):
    by_name, response = _types(features)

    order = [t.name for t in response.feature_types]
    assert order[0] == "Feature"
    for feature_type in response.feature_types[1:]:
        assert order.index(feature_type.parent) < order.index(feature_type.name)
        assert feature_type.name in by_name[feature_type.parent].children
    assert set(by_name["RegionalConnectivity"].children) == {
        "AnatomoFunctionalConnectivity",
        "FunctionalConnectivity",
        "StreamlineCounts",
        "StreamlineLengths",
        "TracingConnectivity",
    }


def test_counts_and_categories_follow_the_configuration(features, configuration: Path):
    by_name, _ = _types(features)

    fingerprints = list(
        (configuration / "features/tabular/fingerprints/receptor").glob("*.json")
    )
    receptor = by_name["ReceptorDensityFingerprint"]
    assert receptor.configured_count == len(fingerprints) == 71
    assert receptor.parent == "Tabular"
    assert receptor.category == "molecular"
    assert by_name["Tabular"].description.startswith("Represents a table")
    assert not receptor.live_query
    # Abstract types have no category; live queries are marked.
    assert by_name["CorticalProfile"].category == ""
    assert by_name["EbrainsDataFeature"].live_query


def test_query_concepts_follow_the_anchors(features):
    by_name, _ = _types(features)

    # Region-anchored only: regions and parcellations.
    assert list(by_name["ReceptorDensityFingerprint"].query_concepts) == [
        REGION,
        PARCELLATION,
    ]
    # Cell density profiles also have a point in BigBrain space.
    assert SPACE in by_name["CellDensityProfile"].query_concepts
    # Gene expressions come from a live query of regions only.
    assert list(by_name["GeneExpressions"].query_concepts) == [REGION]
    # A parent can be queried with whatever any subtype can.
    assert set(by_name["Feature"].query_concepts) == {REGION, PARCELLATION, SPACE}


def test_types_over_rest(rest_url, features):
    response = rest_get(rest_url, "/v1/featureTypes")

    assert response.status_code == 200
    by_name = {t["name"]: t for t in response.json()["featureTypes"]}
    assert by_name["StreamlineCounts"]["parent"] == "RegionalConnectivity"
    assert by_name["StreamlineCounts"]["queryConcepts"] == [
        "CONCEPT_KIND_REGION",
        "CONCEPT_KIND_PARCELLATION",
    ]
