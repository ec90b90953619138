"""Map metadata: listing with filters, getting with regions, over gRPC and REST.

Expected values come from the configuration's JSON documents, read here
independently of siibra and of the service.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import grpc
import pytest
import requests

from siibragrpc.v1 import maps_pb2
from tests.conftest import JULICH_3_1
from tests.maps.mirror import JULICH_3_1_LABELLED, JULICH_3_1_STATISTICAL, MNI152

HOC1 = "Area hOc1 (V1, 17, CalcS)"


def documents(configuration: Path) -> dict[str, dict]:
    return {
        doc["@id"]: doc
        for doc in (
            json.loads(p.read_text()) for p in (configuration / "maps").glob("*.json")
        )
    }


def list_all(maps, **filters) -> list[maps_pb2.Map]:
    request = maps_pb2.ListMapsRequest(page_size=1000, **filters)
    return list(maps.ListMaps(request, timeout=5).maps)


def test_every_configured_map_is_listed_without_regions(maps, configuration):
    listed = list_all(maps)

    assert {m.id for m in listed} == set(documents(configuration))
    assert all(not m.regions and m.region_count > 0 for m in listed)


def test_filters_by_parcellation_space_and_type(maps):
    julich_mni = list_all(maps, parcellation_id="julich 3.1", space_id="mni152")
    labelled = list_all(
        maps,
        parcellation_id=JULICH_3_1,
        space_id=MNI152,
        map_type=maps_pb2.MAP_TYPE_LABELLED,
    )
    statistical = list_all(
        maps, space_id="mni152", map_type=maps_pb2.MAP_TYPE_STATISTICAL
    )

    assert {m.id for m in julich_mni} == {
        JULICH_3_1_LABELLED,
        JULICH_3_1_STATISTICAL,
        "siibra-map-v0.0.1_mni152-jba31_227-continuous",
    }
    assert [m.id for m in labelled] == [JULICH_3_1_LABELLED]
    assert statistical
    assert {m.map_type for m in statistical} == {maps_pb2.MAP_TYPE_STATISTICAL}
    assert {m.space.id for m in statistical} == {MNI152}


def test_labelled_map_lists_label_indices_per_hemisphere(maps, configuration):
    configured = documents(configuration)[JULICH_3_1_LABELLED]

    found = maps.GetMap(maps_pb2.GetMapRequest(map_id=JULICH_3_1_LABELLED), timeout=5)

    assert found.map_type == maps_pb2.MAP_TYPE_LABELLED
    assert found.parcellation.id == JULICH_3_1
    assert found.space.id == MNI152
    assert list(found.volume_formats) == ["neuroglancer/precomputed", "nii"]
    assert list(found.fragments) == ["left hemisphere", "right hemisphere"]
    assert found.region_count == len(found.regions) == len(configured["indices"])
    by_name = {r.region.name: r for r in found.regions}
    for side in ("left", "right"):
        index = configured["indices"][f"{HOC1} - {side} hemisphere"][0]
        mapped = by_name[f"{HOC1} {side}"]
        assert mapped.region.id  # resolved to the parcellation's region
        assert [(i.volume, i.label, i.fragment) for i in mapped.indices] == [
            (0, index["label"], f"{side} hemisphere")
        ]


def test_statistical_map_lists_volume_indices_without_labels(maps, configuration):
    configured = documents(configuration)[JULICH_3_1_STATISTICAL]

    found = maps.GetMap(maps_pb2.GetMapRequest(map_id=JULICH_3_1_STATISTICAL))

    assert found.map_type == maps_pb2.MAP_TYPE_STATISTICAL
    assert found.volume_count == len(configured["volumes"])
    mapped = {r.region.name: r for r in found.regions}[f"{HOC1} left"]
    index = mapped.indices[0]
    assert (
        index.volume == configured["indices"][f"{HOC1} - left hemisphere"][0]["volume"]
    )
    assert not index.HasField("label")


def test_map_found_by_key_in_any_case(maps):
    by_key = maps.GetMap(maps_pb2.GetMapRequest(map_id="mni152_jba31_labelled"))

    assert by_key.id == JULICH_3_1_LABELLED


@pytest.mark.parametrize(
    ("map_id", "code"),
    [
        ("no-such-map", grpc.StatusCode.NOT_FOUND),
        ("  ", grpc.StatusCode.INVALID_ARGUMENT),
    ],
)
def test_unknown_or_empty_map_id(maps, map_id, code):
    with pytest.raises(grpc.RpcError) as caught:
        maps.GetMap(maps_pb2.GetMapRequest(map_id=map_id), timeout=5)

    assert caught.value.code() == code


def test_unknown_space_filter_is_not_found(maps):
    with pytest.raises(grpc.RpcError) as caught:
        list_all(maps, space_id="no such space")

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_paging_covers_every_map_once(maps):
    seen, token = [], ""
    while True:
        page = maps.ListMaps(maps_pb2.ListMapsRequest(page_size=20, page_token=token))
        seen += [m.id for m in page.maps]
        token = page.next_page_token
        if not token:
            break

    assert len(seen) == len(set(seen)) == page.total_size == len(list_all(maps))


def test_rest_lists_and_gets_maps_with_ids_round_trip(maps_rest):
    listed = requests.get(
        maps_rest + "/v1/maps",
        params={"parcellationId": "julich 3.1", "mapType": "MAP_TYPE_LABELLED"},
        timeout=10,
    ).json()
    ids = [m["id"] for m in listed["maps"]]
    response = requests.get(f"{maps_rest}/v1/maps/{quote(ids[0], safe='')}", timeout=10)

    assert JULICH_3_1_LABELLED in ids
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == ids[0]
    assert body["mapType"] == "MAP_TYPE_LABELLED"
    hoc1 = next(r for r in body["regions"] if r["region"]["name"] == f"{HOC1} left")
    assert hoc1["indices"][0]["fragment"] == "left hemisphere"


def test_rest_unknown_map_is_404(maps_rest):
    response = requests.get(maps_rest + "/v1/maps/no-such-map", timeout=10)

    assert response.status_code == 404
    assert response.json()["code"] == 5
