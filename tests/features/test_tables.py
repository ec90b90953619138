"""Tables: typed columns, missing values absent, CSV; id encodings."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from google.protobuf import json_format

from serializers import tables
from server.errors import InvalidArgumentError
from siibragrpc.v1 import features_pb2
from worker.features import ids


def test_numbers_text_and_flags_keep_their_types():
    frame = pd.DataFrame(
        {
            "density": [1.5, np.nan, math.inf, 4],
            "label": ["a", None, "c", "d"],
            "ok": [True, False, True, np.bool_(False)],
            "count": np.array([1, 2, 3, 4], dtype=np.int64),
        },
        index=pd.Index(["x", "y", "z", "w"], name="row"),
    )

    table = tables.table_from_frame(frame)

    density, label, ok, count = table.columns
    assert table.row_count == 4
    assert table.index.name == "row"
    assert [c.text for c in table.index.cells] == ["x", "y", "z", "w"]
    assert density.type == features_pb2.COLUMN_TYPE_NUMBER
    # NaN and infinity are missing: empty cells.
    assert [c.WhichOneof("value") for c in density.cells] == [
        "number",
        None,
        None,
        "number",
    ]
    assert label.type == features_pb2.COLUMN_TYPE_TEXT
    assert label.cells[1].WhichOneof("value") is None
    assert ok.type == features_pb2.COLUMN_TYPE_FLAG
    assert [c.flag for c in ok.cells] == [True, False, True, False]
    assert count.type == features_pb2.COLUMN_TYPE_NUMBER
    assert [c.number for c in count.cells] == [1, 2, 3, 4]


def test_json_of_a_table_with_nan_is_valid_json():
    table = tables.table_from_frame(pd.DataFrame({"v": [np.nan, 2.0]}), "depth")

    text = json_format.MessageToJson(table)

    parsed = json.loads(text, parse_constant=lambda c: pytest.fail(c))
    assert parsed["columns"][0]["cells"] == [{}, {"number": 2.0}]
    assert parsed["index"]["name"] == "depth"


def test_csv_leaves_missing_values_empty():
    frame = pd.DataFrame({"mean": [1.0, np.nan], "note": ["a,b", "c"]})
    frame.index = pd.Index([0.25, 0.75], name="depth")

    rows = list(
        csv.reader(io.StringIO(tables.csv_from_table(tables.table_from_frame(frame))))
    )

    assert rows == [["depth", "mean", "note"], ["0.25", "1", "a,b"], ["0.75", "", "c"]]


def test_encoded_ids_round_trip():
    concept = ids.ConceptSpec(ids.SPACE, space_id="mni152", box=(0, 1, 2, 3, 4, 5))
    compound = ids.CompoundId(
        "StreamlineCounts", ("StreamlineCounts", "HCP"), "x", concept
    )
    live = ids.LiveId("GeneExpressions", concept, "siibra id--1", ("GABRA1",))

    assert ids.decode(ids.encode_compound(compound)) == compound
    assert ids.decode(ids.encode_live(live)) == live
    assert ids.decode("plain/configured--id") == "plain/configured--id"
    for encoded in (ids.encode_compound(compound), ids.encode_live(live)):
        assert set(encoded) <= set(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
        )


@pytest.mark.parametrize(
    "value",
    ["", " ", "cf1-@@@", "lq1-bm90IGpzb24", "x" * (ids.MAX_ID_LENGTH + 1), "a\nb"],
)
def test_malformed_ids_are_rejected(value):
    with pytest.raises(InvalidArgumentError):
        ids.decode(value)
