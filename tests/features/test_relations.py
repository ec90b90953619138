"""Related regions, from Knowledge Graph documents on the test mirror."""

from __future__ import annotations

import time
from urllib.parse import quote

import grpc
import pytest

from siibragrpc.v1 import features_pb2
from tests.features.conftest import HOC1, HOC1_LEFT, JULICH_2_9, rest_get

OTHER_VERSION = features_pb2.QUALIFICATION_OTHER_VERSION
HOMOLOGOUS = features_pb2.QUALIFICATION_HOMOLOGOUS


def _related(relations, parcellation, region):
    return relations.ListRelatedRegions(
        features_pb2.ListRelatedRegionsRequest(
            parcellation_id=parcellation, region_id=region
        ),
        timeout=60,
    )


@pytest.mark.usefixtures("with_mirror")
def test_other_versions_share_the_parcellation_entity(relations):
    response = _related(relations, JULICH_2_9, HOC1)

    assert response.region.name == HOC1
    found = {(r.parcellation.name, r.region.name) for r in response.related_regions}
    assert ("Julich-Brain Cytoarchitectonic Atlas (v1.18)", HOC1) in found
    assert all(r.qualification == OTHER_VERSION for r in response.related_regions)
    assert all(r.species == "Homo sapiens" for r in response.related_regions)
    assert response.region.id not in {r.region.id for r in response.related_regions}
    first = response.related_regions[0]
    assert first.description.startswith(f"'{HOC1}' is another version of")


@pytest.mark.usefixtures("with_mirror")
def test_homologous_areas_in_another_species(relations):
    response = _related(relations, "MEBRAINS", "PG")

    homologues = [r for r in response.related_regions if r.qualification == HOMOLOGOUS]
    names = {(r.parcellation.name, r.region.name) for r in homologues}
    # By the parcellation entity itself (Julich-Brain 2.9) and by its versions
    # (Julich-Brain 3.0.3 names those).
    assert ("Julich-Brain Cytoarchitectonic Atlas (v2.9)", "Area PGa (IPL)") in names
    assert ("Julich-Brain Cytoarchitectonic Atlas (v3.0.3)", "Area PGa (IPL)") in names
    assert {r.species for r in homologues} == {"Homo sapiens"}
    assert len(
        {(r.region.id, r.qualification) for r in response.related_regions}
    ) == len(response.related_regions)


@pytest.mark.usefixtures("with_mirror")
def test_related_regions_over_rest(rest_url, relations):
    path = (
        f"/v1/parcellations/{quote('MEBRAINS', safe='')}/regions/"
        f"{quote('PG', safe='')}/relatedRegions"
    )

    response = rest_get(rest_url, path)

    assert response.status_code == 200
    related = response.json()["relatedRegions"]
    assert {r["qualification"] for r in related} == {"QUALIFICATION_HOMOLOGOUS"}
    assert "Area PGa (IPL)" in {r["region"]["name"] for r in related}


@pytest.mark.usefixtures("without_mirror")
def test_region_without_knowledge_graph_ids_has_none(relations):
    response = _related(relations, "julich 3.1", HOC1_LEFT)

    assert response.region.name == HOC1_LEFT
    assert list(response.related_regions) == []


@pytest.mark.usefixtures("without_mirror")
def test_unreachable_bucket_is_unavailable_fast(relations, siibra):
    # Area 44 of Julich-Brain 2.9 has an entity whose document no test serves.
    region = siibra.get_region(JULICH_2_9, "Area 44 (IFG)")
    assert "openminds/ParcellationEntity" in region._spec["ebrains"]

    started = time.perf_counter()
    with pytest.raises(grpc.RpcError) as caught:
        _related(relations, JULICH_2_9, "Area 44 (IFG)")

    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "data-proxy.ebrains.eu" in caught.value.details()
    assert time.perf_counter() - started < 5


def test_unknown_region_is_not_found(relations):
    with pytest.raises(grpc.RpcError) as caught:
        _related(relations, JULICH_2_9, "no such area")

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
