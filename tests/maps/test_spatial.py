"""Where a region lies: centroids, volumes and bounding boxes, gRPC and REST.

Expected figures come from the synthetic volumes: the centroid is the mean of
the mask's voxel centres, the volume its voxel count times the voxel volume.
siibra's bounding box of a labelled mask runs from the first voxel to one
past the last; a statistical mask's is the box the configuration gives.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import grpc
import numpy as np
import pytest
import requests

from siibragrpc.v1 import maps_pb2
from tests.maps.mirror import SyntheticData, grid_affine
from tests.maps.statuses import rejected

HOC1 = "Area hOc1 (V1, 17, CalcS)"


def spatial(maps, region_id, space_id="mni152", map_type=0, parcellation="julich 3.1"):
    return maps.GetRegionSpatialProperties(
        maps_pb2.GetRegionSpatialPropertiesRequest(
            parcellation_id=parcellation,
            region_id=region_id,
            space_id=space_id,
            map_type=map_type,
        ),
        timeout=30,
    )


def mask_figures(mask: np.ndarray, resolution_mm: float):
    """Centroid (mm), volume (mm³) and whole-voxel bounding box of a mask."""
    affine = grid_affine(resolution_mm)
    voxels = np.argwhere(mask)
    centroid = (affine @ np.r_[voxels.mean(0), 1])[:3]
    low = (affine @ np.r_[voxels.min(0), 1])[:3]
    high = (affine @ np.r_[voxels.max(0) + 1, 1])[:3]
    return centroid, len(voxels) * resolution_mm**3, low, high


def xyz(c: maps_pb2.Coordinates) -> list[float]:
    return [c.x, c.y, c.z]


@pytest.mark.parametrize("side", ["left", "right"])
def test_labelled_region_centroid_volume_and_box(maps, mirror_data, side):
    label, fragment = mirror_data.labels[f"{HOC1} - {side} hemisphere"]
    mask = mirror_data.label_array(fragment) == label
    centroid, volume, low, high = mask_figures(mask, mirror_data.resolution_mm)

    found = spatial(maps, f"hOc1 {side}")

    assert found.region.name == f"{HOC1} {side}"
    assert found.space.name == "MNI 152 ICBM 2009c Nonlinear Asymmetric"
    assert found.map_type == maps_pb2.MAP_TYPE_LABELLED
    assert len(found.components) == 1
    np.testing.assert_allclose(xyz(found.components[0].centroid), centroid)
    assert found.components[0].volume_mm3 == pytest.approx(volume)
    np.testing.assert_allclose(xyz(found.bounding_box.min_point), low)
    np.testing.assert_allclose(xyz(found.bounding_box.max_point), high)


def test_parent_region_has_one_component_per_hemisphere(maps, mirror_data):
    found = spatial(maps, HOC1)

    centroids = sorted(xyz(c.centroid) for c in found.components)
    assert len(centroids) == 2
    np.testing.assert_allclose(centroids, [[-12, -88, 4], [12, -88, 4]], atol=1e-6)
    label, fragment = mirror_data.labels[f"{HOC1} - left hemisphere"]
    voxels = np.count_nonzero(mirror_data.label_array(fragment) == label)
    assert [c.volume_mm3 for c in found.components] == pytest.approx(
        [voxels * mirror_data.resolution_mm**3] * 2
    )


def test_statistical_region_uses_its_non_zero_voxels(
    maps, mirror_data: SyntheticData, configuration
):
    array = mirror_data.statistical_array(f"{HOC1} - left hemisphere")
    centroid, volume, _, _ = mask_figures(array > 0, mirror_data.resolution_mm)
    # siibra takes the region's map from the 227-area map, the first to hold it.
    document = json.loads(
        (configuration / "maps/mni152-jba31_227-continuous.json").read_text()
    )
    volume_index = document["indices"][f"{HOC1} - left hemisphere"][0]["volume"]
    box = document["volumes"][volume_index]["boundingbox"]["coordinates"]

    found = spatial(maps, "hOc1 left", map_type=maps_pb2.MAP_TYPE_STATISTICAL)

    assert found.map_type == maps_pb2.MAP_TYPE_STATISTICAL
    np.testing.assert_allclose(xyz(found.components[0].centroid), centroid)
    assert found.components[0].volume_mm3 == pytest.approx(volume)
    np.testing.assert_allclose(xyz(found.bounding_box.min_point), box[0])
    np.testing.assert_allclose(xyz(found.bounding_box.max_point), box[1])


@pytest.mark.parametrize(
    ("region", "space", "map_type", "code", "field"),
    [
        ("hOc1 left", "", 0, grpc.StatusCode.INVALID_ARGUMENT, "space_id"),
        ("hOc1 left", "bigbrain", 0, grpc.StatusCode.INVALID_ARGUMENT, "space_id"),
        ("hOc1 left", "fsaverage", 2, grpc.StatusCode.INVALID_ARGUMENT, "space_id"),
        ("hOc1 left", "mni152", 7, grpc.StatusCode.INVALID_ARGUMENT, "map_type"),
        ("no such area", "mni152", 0, grpc.StatusCode.NOT_FOUND, None),
    ],
)
def test_requests_that_cannot_be_answered(maps, region, space, map_type, code, field):
    found_code, _, fields = rejected(
        lambda: spatial(maps, region, space_id=space, map_type=map_type)
    )

    assert found_code == code
    assert fields == ([field] if field else [])


def test_rest_spatial_properties(maps_rest, mirror_data):
    path = (
        f"{maps_rest}/v1/parcellations/{quote('julich 3.1', safe='')}"
        f"/regions/{quote('Area 44 (IFG) right', safe='')}/spatialProperties"
    )

    response = requests.get(path, params={"spaceId": "mni152"}, timeout=30)

    assert response.status_code == 200
    body = response.json()
    label, fragment = mirror_data.labels["Area 44 (IFG) - right hemisphere"]
    centroid, *_ = mask_figures(
        mirror_data.label_array(fragment) == label, mirror_data.resolution_mm
    )
    found = body["components"][0]["centroid"]
    np.testing.assert_allclose([found["x"], found["y"], found["z"]], centroid)
    assert body["mapType"] == "MAP_TYPE_LABELLED"
