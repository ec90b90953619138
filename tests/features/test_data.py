"""Feature data from the test mirror: tables, profiles, matrices, CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import time
from urllib.parse import quote

import grpc
import numpy as np
import pytest

from siibragrpc.v1 import features_pb2
from tests.features.conftest import (
    AREA_44_LEFT,
    HARVARD_OXFORD_THR0,
    HOC1_LEFT,
    list_all,
    rest_get,
    using,
)
from tests.features.mirror import DEPTHS, MISSING_RECEPTOR, RECEPTORS, UNIT
from upstream.mirrors import parse_mirrors


def _listed(features, parcellation, region, feature_type):
    response = list_all(
        features, parcellation_id=parcellation, region_id=region, types=[feature_type]
    )
    return [f for f in response.features if f.type == feature_type]


def _data(features, feature_id):
    return features.GetFeatureData(
        features_pb2.GetFeatureDataRequest(feature_id=feature_id), timeout=60
    )


def _column(table, name):
    return next(c for c in table.columns if c.name == name)


@pytest.fixture(scope="module")
def fingerprint(features):
    (found,) = _listed(features, "julich 3.1", HOC1_LEFT, "ReceptorDensityFingerprint")
    return found


@pytest.mark.usefixtures("with_mirror")
def test_receptor_fingerprint_table(features, fingerprint, feature_data):
    data = _data(features, fingerprint.id)

    table = data.table
    assert data.kind == features_pb2.DATA_KIND_TABLE
    assert data.feature.id == fingerprint.id
    assert data.unit == UNIT
    assert table.row_count == len(RECEPTORS)
    assert table.index.name == "receptor"
    assert [c.text for c in table.index.cells] == list(RECEPTORS)
    assert [c.name for c in table.columns] == ["mean", "std"]
    mean, std = _column(table, "mean"), _column(table, "std")
    assert mean.type == features_pb2.COLUMN_TYPE_NUMBER
    for receptor, cell_mean, cell_std in zip(
        RECEPTORS, mean.cells, std.cells, strict=True
    ):
        expected_mean, expected_sd = feature_data.fingerprint[receptor]
        assert cell_std.number == pytest.approx(expected_sd)
        if expected_mean is None:
            # NaN in siibra's table: the cell is absent, not a NaN.
            assert cell_mean.WhichOneof("value") is None
        else:
            assert cell_mean.number == pytest.approx(expected_mean)


@pytest.mark.usefixtures("with_mirror")
def test_nan_is_absent_and_json_is_valid_over_rest(rest_url, fingerprint, feature_data):
    response = rest_get(rest_url, f"/v1/features/{quote(fingerprint.id, safe='')}/data")

    assert response.status_code == 200
    text = response.text
    assert "NaN" not in text
    body = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    mean = next(c for c in body["table"]["columns"] if c["name"] == "mean")
    missing = RECEPTORS.index(MISSING_RECEPTOR)
    assert mean["cells"][missing] == {}
    assert mean["cells"][0]["number"] == pytest.approx(
        feature_data.fingerprint["AMPA"][0]
    )


@pytest.mark.usefixtures("with_mirror")
def test_csv_body_over_rest(rest_url, fingerprint, feature_data):
    response = rest_get(
        rest_url, f"/v1/features/{quote(fingerprint.id, safe='')}/data.csv"
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["receptor", "mean", "std"]
    by_receptor = {row[0]: row[1:] for row in rows[1:]}
    assert list(by_receptor) == list(RECEPTORS)
    assert by_receptor[MISSING_RECEPTOR][0] == ""
    mean, sd = feature_data.fingerprint["NMDA"]
    assert float(by_receptor["NMDA"][0]) == pytest.approx(mean)
    assert float(by_receptor["NMDA"][1]) == pytest.approx(sd)


@pytest.mark.usefixtures("with_mirror")
def test_profile_element_has_its_depth_axis(features, feature_data):
    (compound,) = _listed(features, "julich 3.1", HOC1_LEFT, "ReceptorDensityProfile")
    got = features.GetFeature(
        features_pb2.GetFeatureRequest(feature_id=compound.id), timeout=60
    )
    element = next(e for e in got.elements if e.index == "GABAA")

    data = _data(features, element.id)

    assert data.kind == features_pb2.DATA_KIND_PROFILE
    assert data.table.index.name == "depth"
    assert [c.number for c in data.table.index.cells] == pytest.approx(
        [d / 100 for d in DEPTHS]
    )
    (values,) = data.table.columns
    assert values.name == f"Receptor density ({UNIT})"
    assert [c.number for c in values.cells] == pytest.approx(
        list(feature_data.profiles["GABAA"])
    )


@pytest.mark.usefixtures("with_mirror")
def test_profile_compound_is_the_mean_of_its_elements(features, feature_data):
    (compound,) = _listed(features, "julich 3.1", HOC1_LEFT, "ReceptorDensityProfile")

    data = _data(features, compound.id)

    stacked = np.stack(list(feature_data.profiles.values()))
    mean, std = data.table.columns
    assert data.table.row_count == len(DEPTHS)
    assert [c.number for c in mean.cells] == pytest.approx(list(stacked.mean(0)))
    assert [c.number for c in std.cells] == pytest.approx(list(stacked.std(0)))


@pytest.mark.usefixtures("with_mirror")
def test_connectivity_matrix_with_its_regions(features, feature_data):
    (compound,) = _listed(
        features, HARVARD_OXFORD_THR0, "Left Frontal Pole", "StreamlineCounts"
    )
    got = features.GetFeature(
        features_pb2.GetFeatureRequest(feature_id=compound.id), timeout=60
    )
    subject = next(e for e in got.elements if e.index == "000")

    data = _data(features, subject.id)

    expected = feature_data.matrices["000"]
    size = len(feature_data.matrix_regions)
    assert data.kind == features_pb2.DATA_KIND_MATRIX
    assert data.table.row_count == size == 96
    assert [r.name for r in data.regions] == feature_data.matrix_regions
    assert all(r.id for r in data.regions)
    assert [c.text for c in data.table.index.cells] == feature_data.matrix_regions
    assert [c.name for c in data.table.columns] == feature_data.matrix_regions
    assert (
        np.array(
            [[cell.number for cell in column.cells] for column in data.table.columns]
        ).T.tolist()
        == expected.tolist()
    )


@pytest.mark.usefixtures("with_mirror")
def test_images_have_no_table(features):
    response = list_all(
        features, space_id="bigbrain", types=["BlockfaceVolumeOfInterest"]
    )

    with pytest.raises(grpc.RpcError) as caught:
        _data(features, response.features[0].id)

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.usefixtures("without_mirror")
def test_unreachable_host_is_unavailable_fast(features, rest_url):
    # Nothing else fetches Area 44's fingerprints: they are in no cache.
    fingerprint = _listed(
        features, "julich 3.1", AREA_44_LEFT, "ReceptorDensityFingerprint"
    )[0]

    started = time.perf_counter()
    with pytest.raises(grpc.RpcError) as caught:
        _data(features, fingerprint.id)
    elapsed = time.perf_counter() - started
    over_rest = rest_get(
        rest_url, f"/v1/features/{quote(fingerprint.id, safe='')}/data.csv"
    )

    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "data-proxy.ebrains.eu" in caught.value.details()
    assert elapsed < 5
    assert over_rest.status_code == 503
    assert "data-proxy.ebrains.eu" in over_rest.json()["message"]


def test_mirror_down_is_unavailable(features, plain_settings):
    # A mirror on a port nothing listens on.
    down = dataclasses.replace(
        plain_settings,
        upstream_mirrors=parse_mirrors(
            "https://data-proxy.ebrains.eu=http://127.0.0.1:9/data-proxy"
        ),
    )
    fingerprint = _listed(
        features, "julich 3.1", AREA_44_LEFT, "ReceptorDensityFingerprint"
    )[0]
    for _ in using(down):
        with pytest.raises(grpc.RpcError) as caught:
            _data(features, fingerprint.id)

    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "127.0.0.1:9 (mirror of data-proxy.ebrains.eu)" in caught.value.details()
