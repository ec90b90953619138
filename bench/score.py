"""Figures of a closed-loop cell: per call, per class, and the weighted score.

The score of a cell is the weighted geometric mean of each class's p95
latency, with the weights of :data:`worker.criticality.WEIGHTS`::

    score = exp( sum_c W_c * ln(p95_c) / sum_c W_c )     (ms, lower is better)

A geometric mean weighs relative changes, not milliseconds: critical calls
answer in about a millisecond and downloads in tens, yet a critical p95 10%
slower raises the score by about 8/15 of 10% (weights 8, 4, 2, 1), a
download 10% slower by 1/15 of it. Classes without a successful call are
left out; their errors are counted. Latency percentiles count successful
calls only.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from bench.loadgen import OK, Cell, Sample
from bench.mix import MixCall
from bench.stats import summarize
from worker.criticality import WEIGHTS, Criticality

SCORE_FORMULA = "score = exp(sum_c W_c*ln(p95_c) / sum_c W_c), ms"
SCORE_PERCENTILE = "p95"


def latency(samples: list[Sample]) -> dict[str, Any]:
    """Count, errors by code, and percentiles (ms) of successful calls."""
    ok = [s.ms for s in samples if s.code == OK]
    codes = Counter(s.code for s in samples if s.code != OK)
    figures: dict[str, Any] = {
        "count": len(samples),
        "errors": sum(codes.values()),
        "error_codes": dict(codes.most_common()),
    }
    if ok:
        summary = summarize(ok)
        figures.update({k: summary[k] for k in ("p50", "p95", "p99", "mean", "max")})
    return figures


def weighted_score(p95_by_class: dict[Criticality, float]) -> float | None:
    """The weighted geometric mean of the classes' p95 (see the module)."""
    found = {c: ms for c, ms in p95_by_class.items() if ms > 0}
    if not found:
        return None
    total = sum(WEIGHTS[c] for c in found)
    return math.exp(sum(WEIGHTS[c] * math.log(ms) for c, ms in found.items()) / total)


def summarize_cell(
    cell: Cell, calls: list[MixCall], transport: str | None = None
) -> dict[str, Any]:
    """Per call and per class figures, throughput, and the score; of the
    calls over ``transport`` only, if given."""
    chosen = [s for s in cell.samples if transport in (None, s.transport)]
    by_label: dict[str, list[Sample]] = {call.label: [] for call in calls}
    for sample in chosen:
        by_label.setdefault(sample.label, []).append(sample)
    classes = {call.label: call.criticality for call in calls}
    elapsed = max(cell.elapsed_s, 1e-9)

    per_call = {}
    for label, samples in by_label.items():
        figures = latency(samples)
        figures["per_s"] = (figures["count"] - figures["errors"]) / elapsed
        figures["class"] = classes[label].value
        per_call[label] = figures

    per_class = {}
    for criticality in Criticality:
        pooled = [s for s in chosen if classes.get(s.label) == criticality]
        if pooled:
            figures = latency(pooled)
            figures["weight"] = WEIGHTS[criticality]
            per_class[criticality.value] = figures

    ok_per_s = {label: f["per_s"] for label, f in per_call.items()}
    return {
        "elapsed_s": cell.elapsed_s,
        "client_cpu_pct": 100 * cell.client_cpu_s / elapsed,
        "calls": per_call,
        "classes": per_class,
        "calls_per_s": sum(ok_per_s.values()),
        "weighted_calls_per_s": sum(
            WEIGHTS[classes[label]] * rate for label, rate in ok_per_s.items()
        ),
        "errors": sum(f["errors"] for f in per_call.values()),
        "score_ms": weighted_score(
            {
                Criticality(name): f[SCORE_PERCENTILE]
                for name, f in per_class.items()
                if SCORE_PERCENTILE in f
            }
        ),
    }
