"""Point assignment against the synthetic mirror, over gRPC and REST.

Exact points are checked against the synthetic volumes themselves: the label
or value in the voxel the point falls in. Uncertain points are checked
against siibra's own ``Map.assign`` for the same point in this process.
"""

from __future__ import annotations

import math

import grpc
import pytest
import requests
from google.longrunning import operations_pb2 as lro_pb2
from google.longrunning import operations_pb2_grpc as lro_grpc
from google.protobuf import any_pb2, duration_pb2

from siibragrpc.v1 import maps_pb2, operations_pb2, operations_pb2_grpc
from tests.maps.mirror import (
    JULICH_3_1_LABELLED,
    JULICH_3_1_STATISTICAL,
    SyntheticData,
    voxel_of,
)
from tests.maps.statuses import rejected
from upstream.scope import fetch_scope

HOC1 = "Area hOc1 (V1, 17, CalcS)"
HOC2 = "Area hOc2 (V2, 18)"


def assign(maps, map_id, xyz, sigma_mm=0.0, space_id="", timeout=30):
    x, y, z = xyz
    return maps.AssignPoint(
        maps_pb2.AssignPointRequest(
            map_id=map_id,
            coordinates=maps_pb2.Coordinates(x=x, y=y, z=z),
            sigma_mm=sigma_mm,
            space_id=space_id,
        ),
        timeout=timeout,
    )


@pytest.mark.parametrize(
    ("xyz", "configured", "region"),
    [
        ((-12.0, -88.0, 4.0), f"{HOC1} - left hemisphere", f"{HOC1} left"),
        ((12.0, -88.0, 4.0), f"{HOC1} - right hemisphere", f"{HOC1} right"),
        ((-50.0, 10.0, 14.0), "Area 44 (IFG) - left hemisphere", "Area 44 (IFG) left"),
        ((53.0, 15.0, 9.0), "Area 44 (IFG) - right hemisphere", "Area 44 (IFG) right"),
    ],
)
def test_labelled_point_gets_the_real_region_in_each_hemisphere(
    maps, mirror_data: SyntheticData, xyz, configured, region
):
    label, fragment = mirror_data.labels[configured]
    voxel = voxel_of(xyz, mirror_data.resolution_mm)
    assert mirror_data.label_array(fragment)[voxel] == label  # the fixture's truth

    response = assign(maps, JULICH_3_1_LABELLED, xyz)

    assert [a.region.name for a in response.assignments] == [region]
    found = response.assignments[0]
    assert (found.index.volume, found.index.label, found.index.fragment) == (
        0,
        label,
        fragment,
    )
    assert found.map_value == label
    assert not found.HasField("correlation")
    assert response.map.id == JULICH_3_1_LABELLED
    assert response.space.name == "MNI 152 ICBM 2009c Nonlinear Asymmetric"
    assert (response.coordinates.x, response.coordinates.y) == xyz[:2]


def test_statistical_point_gets_every_overlapping_region_largest_first(
    maps, mirror_data: SyntheticData
):
    xyz = (-12.0, -88.0, 4.0)
    voxel = voxel_of(xyz, mirror_data.resolution_mm)
    expected = {
        f"{HOC1} left": mirror_data.statistical_array(f"{HOC1} - left hemisphere"),
        f"{HOC2} left": mirror_data.statistical_array(f"{HOC2} - left hemisphere"),
    }

    response = assign(maps, JULICH_3_1_STATISTICAL, xyz)

    assert [a.region.name for a in response.assignments] == list(expected)
    for found in response.assignments:
        assert found.map_value == pytest.approx(
            float(expected[found.region.name][voxel]), rel=1e-6
        )
        assert not found.index.HasField("label")
    assert response.assignments[0].map_value > response.assignments[1].map_value


@pytest.mark.parametrize("map_id", [JULICH_3_1_LABELLED, JULICH_3_1_STATISTICAL])
@pytest.mark.parametrize(
    "xyz",
    [
        (0.0, 40.0, -60.0),  # inside the volume, in no region
        (500.0, 0.0, 0.0),  # outside, beyond the last voxel
        (-500.0, -500.0, -500.0),  # outside, at negative voxel indices
    ],
)
def test_points_in_background_or_outside_the_volume_have_no_regions(maps, map_id, xyz):
    response = assign(maps, map_id, xyz)

    assert list(response.assignments) == []
    assert response.coordinates.x == xyz[0]


@pytest.mark.parametrize(
    ("coordinates", "field"),
    [
        (maps_pb2.Coordinates(x=math.nan, y=0, z=0), "coordinates.x"),
        (maps_pb2.Coordinates(x=0, y=math.inf, z=0), "coordinates.y"),
        (maps_pb2.Coordinates(x=0, y=0, z=-math.inf), "coordinates.z"),
        (None, "coordinates"),
    ],
)
def test_non_finite_or_missing_coordinates_are_invalid(maps, coordinates, field):
    request = maps_pb2.AssignPointRequest(map_id=JULICH_3_1_LABELLED)
    if coordinates is not None:
        request.coordinates.CopyFrom(coordinates)

    code, _, fields = rejected(lambda: maps.AssignPoint(request, timeout=5))

    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert fields == [field]


@pytest.mark.parametrize("sigma_mm", [-1.0, math.nan, math.inf])
def test_negative_or_non_finite_sigma_is_invalid(maps, sigma_mm):
    code, _, fields = rejected(
        lambda: assign(maps, JULICH_3_1_LABELLED, (0, 0, 0), sigma_mm=sigma_mm)
    )

    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert fields == ["sigma_mm"]


@pytest.mark.parametrize("map_id", [JULICH_3_1_LABELLED, JULICH_3_1_STATISTICAL])
def test_sigma_siibra_would_ignore_is_rejected_naming_the_smallest(
    maps, mirror_data: SyntheticData, map_id
):
    smallest = 3 * mirror_data.resolution_mm  # siibra: under 3 voxels is exact

    code, message, fields = rejected(
        lambda: assign(maps, map_id, (-12, -88, 4), sigma_mm=smallest - 0.5)
    )

    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert fields == ["sigma_mm"]
    assert f"at least {smallest:g} mm" in message


def test_sigma_with_a_point_in_another_space_is_rejected(maps):
    code, message, fields = rejected(
        lambda: assign(
            maps, JULICH_3_1_LABELLED, (0, 0, 0), sigma_mm=20, space_id="colin 27"
        )
    )

    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert fields == ["sigma_mm"]
    assert "warps" in message


def siibra_assign(siibra, settings, map_id, xyz, sigma_mm):
    with fetch_scope(settings.upstream_policy):
        siibra_map = next(m for m in siibra.maps if m.id == map_id)
        point = siibra.Point(xyz, space=siibra_map.space, sigma_mm=sigma_mm)
        table = siibra_map.assign(point)
    return {row["region"].name: row for row in table.to_dict("records")}


@pytest.mark.parametrize("map_id", [JULICH_3_1_STATISTICAL, JULICH_3_1_LABELLED])
def test_uncertain_point_is_honoured_with_siibras_figures(
    maps, siibra, mirror_settings, map_id
):
    xyz, sigma_mm = (-12.0, -88.0, 4.0), 12.0
    expected = siibra_assign(siibra, mirror_settings, map_id, xyz, sigma_mm)

    response = assign(maps, map_id, xyz, sigma_mm=sigma_mm)

    assert response.sigma_mm == sigma_mm
    assert {a.region.name for a in response.assignments} == set(expected)
    assert f"{HOC1} left" in expected
    for found in response.assignments:
        row = expected[found.region.name]
        assert found.map_value == pytest.approx(float(row["map value"]))
        assert found.correlation == pytest.approx(float(row["correlation"]))
        assert found.intersection_over_union == pytest.approx(
            float(row["intersection over union"])
        )
        assert found.map_containedness == pytest.approx(float(row["map containedness"]))
        assert found.input_containedness == pytest.approx(
            float(row["input containedness"])
        )
    best = max(response.assignments, key=lambda a: a.correlation)
    assert best.region.name == f"{HOC1} left"


def test_unknown_map_is_not_found(maps):
    code, _, _ = rejected(lambda: assign(maps, "no-such-map", (0, 0, 0)))

    assert code == grpc.StatusCode.NOT_FOUND


def post_assign(base_url: str, map_id: str, body: dict) -> requests.Response:
    return requests.post(
        f"{base_url}/v1/maps/{map_id}:assignPoint", json=body, timeout=30
    )


def test_rest_assigns_both_hemispheres(maps_rest):
    names = []
    for x in (-12, 12):
        response = post_assign(
            maps_rest,
            JULICH_3_1_LABELLED,
            {"coordinates": {"x": x, "y": -88, "z": 4}},
        )
        assert response.status_code == 200
        names += [a["region"]["name"] for a in response.json()["assignments"]]

    assert names == [f"{HOC1} left", f"{HOC1} right"]


def test_rest_statistical_values_and_empty_result(maps_rest, mirror_data):
    inside = post_assign(
        maps_rest,
        "MNI152_JBA31_207_CONTINUOUS",
        {"coordinates": {"x": 12, "y": -88, "z": 4}},
    ).json()
    outside = post_assign(
        maps_rest, JULICH_3_1_STATISTICAL, {"coordinates": {"x": 900, "y": 0, "z": 0}}
    ).json()

    voxel = voxel_of((12, -88, 4), mirror_data.resolution_mm)
    value = mirror_data.statistical_array(f"{HOC1} - right hemisphere")[voxel]
    assert [a["region"]["name"] for a in inside["assignments"]] == [f"{HOC1} right"]
    assert inside["assignments"][0]["mapValue"] == pytest.approx(float(value))
    assert outside["assignments"] == []


@pytest.mark.parametrize(
    "coordinates",
    [
        {"x": "NaN", "y": 0, "z": 0},  # protobuf JSON's spelling of NaN
        {"x": "Infinity", "y": 0, "z": 0},
        {"x": "left", "y": 0, "z": 0},
        {"x": [1, 2], "y": 0, "z": 0},
    ],
)
def test_rest_bad_coordinates_are_400_invalid_argument(maps_rest, coordinates):
    response = post_assign(maps_rest, JULICH_3_1_LABELLED, {"coordinates": coordinates})

    assert response.status_code == 400
    if response.headers["content-type"].startswith("application/json"):
        assert response.json()["code"] == 3  # the service's INVALID_ARGUMENT
    else:
        # Envoy rejects what is no number at all before the service sees it.
        assert response.text.startswith("coordinates")


def test_long_running_operation_resolves_names_on_the_worker(maps_channel, maps):
    # Operations pass requests to the handler as written: no servicer has
    # resolved the map key, the space name or the region spec before.
    request = any_pb2.Any()
    request.Pack(
        maps_pb2.AssignPointRequest(
            map_id="mni152_jba31_207_continuous",
            coordinates=maps_pb2.Coordinates(x=12, y=-88, z=4),
            space_id="mni152",
        )
    )
    started = operations_pb2_grpc.OperationServiceStub(maps_channel).StartOperation(
        operations_pb2.StartOperationRequest(
            method="/siibragrpc.v1.MapService/AssignPoint", request=request
        ),
        timeout=10,
    )
    done = lro_grpc.OperationsStub(maps_channel).WaitOperation(
        lro_pb2.WaitOperationRequest(
            name=started.name, timeout=duration_pb2.Duration(seconds=30)
        ),
        timeout=35,
    )

    response = maps_pb2.AssignPointResponse()
    assert done.done and done.response.Unpack(response)
    assert response.map.id == JULICH_3_1_STATISTICAL
    assert [a.region.name for a in response.assignments] == [f"{HOC1} right"]
