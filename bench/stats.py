"""Summaries of latency samples."""

from __future__ import annotations

import statistics


def summarize(samples_ms: list[float]) -> dict[str, float]:
    """Count, min, mean, percentiles and max of latencies in milliseconds.

    Percentiles interpolate between samples (the "inclusive" method), so they
    stay defined for the few calls of a --quick run.
    """
    ordered = sorted(samples_ms)
    if len(ordered) == 1:
        cuts = ordered * 99
    else:
        cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "n": len(ordered),
        "min": ordered[0],
        "mean": statistics.fmean(ordered),
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "max": ordered[-1],
    }
