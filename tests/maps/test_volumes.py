"""Volume data as gzip-compressed NIfTI: streamed over gRPC, one body over REST.

Every volume is compared voxel for voxel with the synthetic data it was made
from, after both are brought to the same (canonical) orientation: siibra
builds neuroglancer volumes with their axes in z, y, x order.
"""

from __future__ import annotations

import gzip
from urllib.parse import quote

import grpc
import nibabel as nib
import numpy as np
import pytest
import requests

from server import maps as map_servicer
from siibragrpc.v1 import maps_pb2
from tests.maps.mirror import (
    JULICH_3_1_LABELLED,
    JULICH_3_1_STATISTICAL,
    MNI152,
    SyntheticData,
    grid_affine,
)
from tests.maps.statuses import rejected
from worker.handlers import maps as handlers

HOC1 = "Area hOc1 (V1, 17, CalcS)"


def stream(maps, **fields) -> tuple[list[maps_pb2.VolumeChunk], nib.Nifti1Image]:
    chunks = list(maps.StreamVolume(maps_pb2.StreamVolumeRequest(**fields), timeout=30))
    return chunks, decode(b"".join(c.data for c in chunks))


def decode(data: bytes) -> nib.Nifti1Image:
    return nib.Nifti1Image.from_bytes(gzip.decompress(data))


def canonical(image: nib.Nifti1Image) -> tuple[np.ndarray, np.ndarray]:
    image = nib.as_closest_canonical(image)
    return np.asanyarray(image.dataobj), image.affine


def assert_volume(image: nib.Nifti1Image, expected: np.ndarray, resolution_mm: float):
    array, affine = canonical(image)
    np.testing.assert_array_equal(array, expected)
    np.testing.assert_allclose(affine, grid_affine(resolution_mm))


@pytest.mark.parametrize("fragment", ["left hemisphere", "right hemisphere"])
def test_both_formats_give_the_same_voxels(maps, mirror_data: SyntheticData, fragment):
    expected = mirror_data.label_array(fragment)

    images = {
        fmt: stream(maps, map_id=JULICH_3_1_LABELLED, fragment=fragment, format=fmt)[1]
        for fmt in ("nii", "neuroglancer/precomputed")
    }

    for image in images.values():
        assert_volume(image, expected, mirror_data.resolution_mm)
    assert set(np.unique(expected)) == {0, 59, 91}  # Area 44 and hOc1


def test_stream_starts_with_content_type_and_size(maps):
    chunks, _ = stream(maps, map_id=JULICH_3_1_LABELLED, fragment="left")

    assert chunks[0].content_type == "application/gzip"
    assert chunks[0].total_size == sum(len(c.data) for c in chunks)
    assert all(not c.content_type and not c.total_size for c in chunks[1:])


def test_large_volumes_come_in_several_chunks(maps, monkeypatch):
    monkeypatch.setattr(map_servicer, "CHUNK_BYTES", 100)
    request = {"map_id": JULICH_3_1_LABELLED, "fragment": "right hemisphere"}

    chunks, _ = stream(maps, **request)
    whole = maps.GetVolume(maps_pb2.GetVolumeRequest(**request), timeout=30)

    assert len(chunks) == -(-len(whole.data) // 100) > 1
    assert b"".join(c.data for c in chunks) == whole.data


def test_whole_labelled_map_has_both_hemispheres(maps, mirror_data: SyntheticData):
    _, image = stream(maps, map_id=JULICH_3_1_LABELLED)

    expected = mirror_data.label_array("left hemisphere") + mirror_data.label_array(
        "right hemisphere"
    )
    assert_volume(image, expected, mirror_data.resolution_mm)


def test_region_statistical_map(maps, mirror_data: SyntheticData):
    _, image = stream(
        maps, map_id=JULICH_3_1_STATISTICAL, region_id="hOc1 right", format="nii"
    )

    expected = mirror_data.statistical_array(f"{HOC1} - right hemisphere")
    assert image.get_data_dtype() == np.float32
    assert_volume(image, expected, mirror_data.resolution_mm)


def test_region_mask_of_a_labelled_map(maps, mirror_data: SyntheticData):
    body = maps.GetVolume(
        maps_pb2.GetVolumeRequest(
            map_id=JULICH_3_1_LABELLED,
            region_id="Area 44 (IFG) right",
            format="neuroglancer/precomputed",
        ),
        timeout=30,
    )

    label, fragment = mirror_data.labels["Area 44 (IFG) - right hemisphere"]
    expected = (mirror_data.label_array(fragment) == label).astype(np.uint8)
    assert_volume(decode(body.data), expected, mirror_data.resolution_mm)


@pytest.mark.parametrize("fmt", ["zip/nii", "neuroglancer/precomputed", ""])
def test_template_in_each_format(maps, mirror_data: SyntheticData, fmt):
    _, image = stream(maps, space_id="mni152", format=fmt)

    expected = mirror_data.template_array(noise=False)
    assert_volume(image, expected, mirror_data.resolution_mm)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"map_id": JULICH_3_1_STATISTICAL}, "region_id"),
        ({"map_id": JULICH_3_1_LABELLED, "fragment": "hemisphere"}, "fragment"),
        ({"map_id": JULICH_3_1_LABELLED, "format": "zip/nii"}, "format"),
        ({"map_id": JULICH_3_1_LABELLED, "region_id": HOC1}, "region_id"),
        ({"space_id": "mni152", "region_id": "hOc1 left"}, "region_id"),
        ({"space_id": "fsaverage"}, "format"),
        ({}, "map_id"),
    ],
)
def test_requests_that_do_not_fit_are_invalid(maps, fields, field):
    code, _, bad_fields = rejected(lambda: stream(maps, **fields))

    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert bad_fields == [field]


def test_unknown_region_is_not_found(maps):
    with pytest.raises(grpc.RpcError) as caught:
        maps.GetVolume(
            maps_pb2.GetVolumeRequest(
                map_id=JULICH_3_1_STATISTICAL, region_id="no such area"
            ),
            timeout=10,
        )

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_rest_gives_the_file_as_a_gzip_body(maps_rest, mirror_data: SyntheticData):
    response = requests.get(
        f"{maps_rest}/v1/maps/{JULICH_3_1_LABELLED}/volume",
        params={"fragment": "left hemisphere", "format": "neuroglancer/precomputed"},
        timeout=30,
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert_volume(
        decode(response.content),
        mirror_data.label_array("left hemisphere"),
        mirror_data.resolution_mm,
    )


def test_rest_template_by_encoded_space_id(maps_rest, mirror_data: SyntheticData):
    response = requests.get(
        f"{maps_rest}/v1/spaces/{quote(MNI152, safe='')}/template", timeout=30
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert_volume(
        decode(response.content),
        mirror_data.template_array(noise=False),
        mirror_data.resolution_mm,
    )


def test_rest_region_map_and_bad_fragment(maps_rest, mirror_data: SyntheticData):
    path = f"{maps_rest}/v1/maps/{JULICH_3_1_STATISTICAL}/volume"
    region = requests.get(path, params={"regionId": "hOc1 left"}, timeout=30)
    bad = requests.get(
        f"{maps_rest}/v1/maps/{JULICH_3_1_LABELLED}/volume",
        params={"fragment": "top"},
        timeout=30,
    )

    assert region.status_code == 200
    assert_volume(
        decode(region.content),
        mirror_data.statistical_array(f"{HOC1} - left hemisphere"),
        mirror_data.resolution_mm,
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == 3
    assert "left hemisphere, right hemisphere" in bad.json()["message"]


def test_image_formats_are_siibras(siibra):
    from siibra.volumes.volume import Volume

    assert tuple(Volume.IMAGE_FORMATS) == handlers.IMAGE_FORMATS
