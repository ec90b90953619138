"""The weighted benchmark's pure parts: score, templates, figures."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench.loadgen import GRPC, OK, Cell, Sample
from bench.mix import default_mix, floor_rest
from bench.rest_paths import (
    FLOOR_LABEL,
    RestRequest,
    default_rest_paths,
    load_rest_paths,
)
from bench.score import summarize_cell, weighted_score
from worker.criticality import Criticality


def test_weighted_score_is_the_weighted_geometric_mean() -> None:
    score = weighted_score({Criticality.CRITICAL: 1.0, Criticality.DOWNLOADS: 100.0})

    assert score == pytest.approx(math.exp(math.log(100.0) / 9))


def test_weighted_score_weighs_relative_changes_by_class() -> None:
    base = {c: 10.0 for c in Criticality}
    slower_critical = weighted_score({**base, Criticality.CRITICAL: 20.0})
    slower_downloads = weighted_score({**base, Criticality.DOWNLOADS: 20.0})

    assert slower_critical == pytest.approx(10.0 * 2 ** (8 / 15))
    assert slower_downloads == pytest.approx(10.0 * 2 ** (1 / 15))


def test_rest_request_encodes_path_segments_and_json_values() -> None:
    request = RestRequest("POST", "/v1/p/$id/x?q=$name", '{"x": $x, "n": $name}')
    params = {"id": "a/b c", "name": "hOc1 left", "x": 1.5}

    assert request.fill_path(params) == "/v1/p/a%2Fb%20c/x?q=hOc1%20left"
    assert json.loads(request.fill_body(params) or b"") == {"x": 1.5, "n": "hOc1 left"}


def test_load_rest_paths_leaves_out_calls_the_file_does_not_name(
    tmp_path: Path,
) -> None:
    path = tmp_path / "paths.json"
    path.write_text(
        json.dumps({"GetRegion": "GET /api/regions/$region", "_note": "ignored"})
    )

    calls, floor = load_rest_paths(path, default_mix())

    with_rest = [c.label for c in calls if c.rest is not None]
    assert with_rest == ["GetRegion"]
    assert floor is None


@pytest.mark.parametrize(
    "spec",
    [{"NoSuchCall": "GET /x"}, {"GetRegion": "GET /regions/$no_such_parameter"}],
)
def test_load_rest_paths_rejects_what_the_mix_lacks(
    tmp_path: Path, spec: dict[str, str]
) -> None:
    path = tmp_path / "paths.json"
    path.write_text(json.dumps(spec))

    with pytest.raises(ValueError):
        load_rest_paths(path, default_mix())


def test_default_rest_paths_load_back_unchanged(tmp_path: Path) -> None:
    mix = default_mix()
    path = tmp_path / "paths.json"
    path.write_text(json.dumps(default_rest_paths(mix, floor_rest())))

    calls, floor = load_rest_paths(path, mix)

    assert [c.rest for c in calls] == [c.rest for c in mix]
    assert floor is not None and floor.expect == 404
    assert FLOOR_LABEL in default_rest_paths(mix, floor_rest())


def test_mix_covers_every_class() -> None:
    assert {c.criticality for c in default_mix()} == set(Criticality)


def test_summarize_cell_counts_errors_apart_from_latency() -> None:
    mix = default_mix()
    samples = [Sample("GetRegion", GRPC, ms, OK) for ms in (1.0, 2.0, 3.0)]
    samples.append(Sample("GetRegion", GRPC, 500.0, "UNAVAILABLE"))
    cell = Cell(samples=samples, elapsed_s=1.0)

    figures = summarize_cell(cell, mix)

    region = figures["calls"]["GetRegion"]
    assert (region["count"], region["errors"]) == (4, 1)
    assert region["error_codes"] == {"UNAVAILABLE": 1}
    assert region["p50"] == 2.0
    assert region["per_s"] == 3.0
    assert figures["score_ms"] == pytest.approx(figures["classes"]["critical"]["p95"])
