"""pandas tables as ``Table`` messages, and ``Table`` messages as CSV.

A missing value (NaN, None, or an infinity, which JSON cannot carry) is an
empty ``Cell``, so the table stays valid JSON through Envoy's transcoder,
which would print NaN as the string "NaN".

numpy and pandas are imported on first use: the server imports this module
(through the handlers' registry) but never converts a table itself.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
from collections.abc import Iterable
from functools import cache
from typing import Any

from siibragrpc.v1 import features_pb2

NUMBER = features_pb2.COLUMN_TYPE_NUMBER
TEXT = features_pb2.COLUMN_TYPE_TEXT
FLAG = features_pb2.COLUMN_TYPE_FLAG


def label(value: Any) -> str:
    """A row or column label as text: regions by name, groups joined."""
    if isinstance(value, tuple):
        return " / ".join(label(part) for part in value)
    name = getattr(value, "name", None)
    if isinstance(name, str) and not isinstance(value, str):
        return name
    return str(value)


@cache
def _flag_types() -> tuple[type, ...]:
    import numpy

    return (bool, numpy.bool_)


@cache
def _missing_markers() -> tuple[Any, ...]:
    import pandas

    return (None, pandas.NA, pandas.NaT)


def _is_flag(value: Any) -> bool:
    return isinstance(value, _flag_types())


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not _is_flag(value)


def _is_missing(value: Any) -> bool:
    if any(value is marker for marker in _missing_markers()):
        return True
    if _is_number(value):
        return not math.isfinite(float(value))
    return False


def _column_type(values: Iterable[Any]) -> int:
    present = [v for v in values if not _is_missing(v)]
    if present and all(_is_flag(v) for v in present):
        return FLAG
    if present and all(_is_number(v) for v in present):
        return NUMBER
    return TEXT


def column(name: str, values: Iterable[Any], labels: bool = False) -> Any:
    """A ``Column`` of values; labels (regions, tuples) become text.

    Args:
        name: The column's name.
        values: One value per row; a numpy array of numbers or truth values
            takes a fast path (a 414-region matrix has 171,396 cells).
        labels: Treat non-numeric values as labels (region names).
    """
    kind_of_array = getattr(getattr(values, "dtype", None), "kind", "")
    if kind_of_array in ("f", "i", "u"):
        return _numbers(name, values)
    if kind_of_array == "b":
        result = features_pb2.Column(name=name, type=FLAG)
        add = result.cells.add
        for value in values.tolist():  # type: ignore[attr-defined]
            add(flag=value)
        return result
    values = list(values)
    kind = _column_type(values)
    result = features_pb2.Column(name=name, type=kind)
    cells = result.cells
    for value in values:
        if _is_missing(value):
            cells.add()
        elif kind == NUMBER:
            cells.add(number=float(value))
        elif kind == FLAG:
            cells.add(flag=bool(value))
        else:
            cells.add(text=label(value) if labels else str(value))
    return result


def _numbers(name: str, values: Any) -> Any:
    result = features_pb2.Column(name=name, type=NUMBER)
    add = result.cells.add
    for value in values.astype(float).tolist():
        if math.isfinite(value):
            add(number=value)
        else:
            add()
    return result


def table_from_frame(frame: Any, index_name: str = "") -> Any:
    """A ``Table`` of a pandas DataFrame (or Series): its index and columns.

    Args:
        frame: The DataFrame.
        index_name: The index's name where the frame does not name it.
    """
    if not hasattr(frame, "columns"):
        frame = frame.to_frame()
    name = frame.index.name
    index_values = frame.index
    if index_values.dtype.kind in ("f", "i", "u", "b"):
        index_values = index_values.to_numpy()
    index = column(
        label(name) if name is not None else index_name, index_values, labels=True
    )
    columns = [
        column(label(col), frame.iloc[:, position].to_numpy(), labels=True)
        for position, col in enumerate(frame.columns)
    ]
    return features_pb2.Table(index=index, columns=columns, row_count=len(frame))


def _csv_field(cell: Any) -> str:
    which = cell.WhichOneof("value")
    if which is None:
        return ""
    if which == "number":
        number = cell.number
        return str(int(number)) if number.is_integer() else repr(number)
    if which == "flag":
        return "true" if cell.flag else "false"
    return str(cell.text)


def csv_from_table(table: Any) -> str:
    """The table as CSV: a header row, then the index and the columns per row;
    missing values are empty fields."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([table.index.name, *(c.name for c in table.columns)])
    for row in range(table.row_count):
        writer.writerow(
            [
                _csv_field(table.index.cells[row]),
                *(_csv_field(c.cells[row]) for c in table.columns),
            ]
        )
    return out.getvalue()
