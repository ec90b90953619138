"""Weighted-throughput benchmark: ``python -m bench.weighted [--quick]``.

Starts the service in each mode (all-in-one; server-worker with 1, 2 and 4
workers) on free ports, with synthetic volumes on a local mirror, and drives
a mix of calls weighted by criticality over gRPC and over REST via Envoy:
closed loop at several concurrency levels, then critical calls while
expensive ones saturate the workers. Prints a table, writes JSON, stops
everything it started. Figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from bench import weighted_report
from bench.loadgen import (
    GRPC,
    REST,
    Caller,
    Cell,
    GrpcCaller,
    RestCaller,
    RestTarget,
    run_closed_loop,
)
from bench.machine import code_revision, machine_info
from bench.mix import (
    CallFailedError,
    MixCall,
    critical_calls,
    default_mix,
    floor_call,
    floor_rest,
    saturating_call,
)
from bench.modes import MODES, Mode, ServiceRun
from bench.process import ServerProcessError
from bench.rest import RestError
from bench.rest_paths import (
    PARAMETERS_KEY,
    RestRequest,
    default_rest_paths,
    load_rest_paths,
    parameters_by_call,
)
from bench.saturation import Plan
from bench.saturation import run as run_saturation
from bench.score import SCORE_FORMULA, latency, summarize_cell
from server.config import Settings
from worker.criticality import WEIGHTS

_LOGGER = logging.getLogger(__name__)

DEFAULT_OUT = Path("bench-results/weighted.json")
START_TIMEOUT_S = 120.0
CRITICAL_CLIENTS_PER_TRANSPORT = 2
# Untimed rounds of every call after the first, timed one.
WARMUP_ROUNDS = 2


@dataclass(frozen=True)
class Options:
    """What to run and for how long (seconds)."""

    modes: tuple[str, ...] = tuple(MODES)
    levels: tuple[int, ...] = (1, 4, 16)
    rounds: int = 2
    slice_s: float = 1.25
    floor_s: float = 0.5
    saturation: Plan = field(default_factory=lambda: Plan(1.5, 3.0, 0.5))
    queue_jobs: int = 50
    nice_workers: int = 0
    rest_base_url: str | None = None
    rest_paths: str | None = None
    quick: bool = False


QUICK = Options(
    modes=("all-in-one", "sw1"),
    levels=(1, 4),
    rounds=1,
    slice_s=0.6,
    floor_s=0.3,
    saturation=Plan(0.5, 1.0, 0.3, cycles=1),
    queue_jobs=5,
    quick=True,
)


@dataclass
class Workload:
    """The calls over each transport, and where REST goes."""

    mix: list[MixCall]
    rest_mix: list[MixCall]
    rest_floor: RestRequest | None
    external: RestTarget | None


def run(options: Options) -> dict[str, Any]:
    """Everything, in a scratch folder removed afterwards.

    Raises:
        ServerProcessError: a stack exited early.
        TimeoutError: a stack did not get ready in time.
    """
    started = time.perf_counter()
    workload = _workload(options)
    results: dict[str, Any] = {
        "machine": machine_info(),
        "revision": code_revision(),
        "options": _options_json(options),
        "score": {
            "formula": SCORE_FORMULA,
            "weights": {c.value: w for c, w in WEIGHTS.items()},
        },
        "mix": [
            {
                "label": c.label,
                "method": c.method,
                "class": c.criticality.value,
                "weight": c.weight,
                "share": c.share,
                "rest": c.rest.to_json() if c.rest else None,
            }
            for c in workload.mix
        ],
        "modes": {},
    }
    workdir = Path(tempfile.mkdtemp(prefix="siibra-weighted-"))
    try:
        if options.modes:
            _run_modes(options, workload, workdir, results)
        if workload.external is not None:
            results["external"] = _external(options, workload)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["elapsed_s"] = time.perf_counter() - started
    return results


def _workload(options: Options) -> Workload:
    mix = default_mix()
    rest_mix, floor = mix, floor_call().rest
    if options.rest_paths:
        rest_mix, floor = load_rest_paths(Path(options.rest_paths), mix)
    rest_mix = [c for c in rest_mix if c.rest is not None]
    external = None
    if options.rest_base_url:
        external = RestTarget.from_url(options.rest_base_url)
    return Workload(mix, rest_mix, floor, external)


def _run_modes(
    options: Options, workload: Workload, workdir: Path, results: dict[str, Any]
) -> None:
    settings = Settings.from_env()
    if settings.configuration is None:
        raise ServerProcessError(
            "no siibra configuration: set SIIBRA_GRPC_CONFIGURATION"
        )
    # Imported here: the mirror module lives with the tests that share it.
    from tests.maps.mirror import MirrorServer, SyntheticData

    data = SyntheticData(workdir / "mirror", settings.configuration).build()
    mirror = MirrorServer(data.root).start()
    env = {
        "SIIBRA_GRPC_UPSTREAM_MIRRORS": mirror.mirrors(data.hosts()),
        "SIIBRA_GRPC_CONFIGURATION": str(settings.configuration),
    }
    results["server_env"] = env
    cache_dir = workdir / "cache"
    cache_dir.mkdir()
    try:
        # A quick run saves a start: its first mode starts cold.
        if not options.quick:
            results["cold_start"] = _cold_start(cache_dir, workdir, env, workload)
        for key in options.modes:
            mode = MODES[key]
            _LOGGER.info("mode %s", mode.name)
            log = workdir / f"{key}.log"
            try:
                figures = _measure_mode(mode, cache_dir, log, env, options, workload)
            except ServerProcessError as error:
                # Seen once: Envoy crashing (SIGSEGV) as a stack started.
                _LOGGER.warning("%s did not start; once more: %s", mode.name, error)
                log = workdir / f"{key}-again.log"
                figures = _measure_mode(mode, cache_dir, log, env, options, workload)
                figures["failed_starts"] = [str(error)[:2000]]
            results["modes"][key] = figures
            if "cold_start" not in results:
                results["cold_start"] = {"startup": figures["startup"], "mode": key}
        if any(MODES[k].server_worker for k in options.modes) and options.queue_jobs:
            with _environ({**env, "SIIBRA_GRPC_CACHE_DIR": str(cache_dir)}):
                results["queues"] = _queue_overhead(options.queue_jobs)
    finally:
        mirror.stop()


def _cold_start(
    cache_dir: Path, workdir: Path, env: dict[str, str], workload: Workload
) -> dict[str, Any]:
    """All-in-one in an empty cache, until it answers a call over both
    transports; it builds the metadata snapshot the later runs load."""
    _LOGGER.info("cold start: empty cache %s", cache_dir)
    service = ServiceRun(MODES["all-in-one"], cache_dir, workdir / "cold.log", env)
    try:
        startup = service.start(_probe(workload), START_TIMEOUT_S, until_ready=False)
        return {"startup": startup, "memory": service.memory_summary()}
    finally:
        service.stop()


def _probe(workload: Workload) -> MixCall:
    """The call that tells a starting service answers: a critical one."""
    return critical_calls(workload.mix)[0]


def _measure_mode(
    mode: Mode,
    cache_dir: Path,
    log: Path,
    env: dict[str, str],
    options: Options,
    workload: Workload,
) -> dict[str, Any]:
    service = ServiceRun(mode, cache_dir, log, env, options.nice_workers)
    try:
        figures: dict[str, Any] = {"name": mode.name}
        figures["startup"] = service.start(_probe(workload), START_TIMEOUT_S)
        with _phase(mode, "warm-up"):
            figures.update(_warm_up(service, workload))
        with _phase(mode, "mix"):
            figures.update(_mix_levels(service, options, workload))
        critical_clients = [
            *[_grpc_client(service)] * CRITICAL_CLIENTS_PER_TRANSPORT,
            *[_rest_client(service.rest_target)] * CRITICAL_CLIENTS_PER_TRANSPORT,
        ]
        with _phase(mode, "saturation"):
            figures["saturation"] = run_saturation(
                service,
                critical_clients,
                workload.mix,
                options.saturation,
                figures["expensive_alone_ms"],
            )
        figures["memory"] = service.memory_summary()
        return figures
    finally:
        with _phase(mode, "stop"):
            service.stop()


@contextlib.contextmanager
def _phase(mode: Mode, name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        _LOGGER.info("%s: %s %.1fs", mode.name, name, time.perf_counter() - started)


def _grpc_client(service: ServiceRun) -> Callable[[], Caller]:
    channel = service.channel
    assert channel is not None
    return lambda: GrpcCaller(channel)


def _rest_client(target: RestTarget) -> Callable[[], Caller]:
    return lambda: RestCaller(target)


def _warm_up(service: ServiceRun, workload: Workload) -> dict[str, Any]:
    """Times each call's first answer after ready, and one expensive call on
    an idle service; then makes every call a few more times, untimed.

    Raises:
        CallFailedError: the expensive call failed: saturation needs it.
    """
    assert service.channel is not None
    grpc_caller = GrpcCaller(service.channel)
    rest_caller = RestCaller(service.rest_target)
    rest_calls = workload.rest_mix if workload.external is None else []
    first: dict[str, Any] = {}
    try:
        for round_ in range(1 + WARMUP_ROUNDS):
            for call in workload.mix:
                outcome = _time_call(grpc_caller, call)
                if round_ == 0:
                    first[call.label] = outcome
            for call in rest_calls:
                _time_call(rest_caller, call)
        expensive = _time_call(grpc_caller, saturating_call())
    finally:
        rest_caller.close()
    if not isinstance(expensive, float):
        raise CallFailedError(str(expensive), "the expensive call failed")
    return {"first_call_ms": first, "expensive_alone_ms": expensive}


def _time_call(caller: Caller, call: MixCall) -> float | str:
    """Milliseconds of one call, or how it failed."""
    params = call.params(random.Random(0))
    started = time.perf_counter()
    try:
        caller.call(call, params, 60.0)
    except CallFailedError as error:
        _LOGGER.warning("%s %s failed: %s", caller.transport, call.label, error)
        return error.code
    return (time.perf_counter() - started) * 1e3


def _mix_levels(
    service: ServiceRun, options: Options, workload: Workload
) -> dict[str, Any]:
    """The floor and the mix at each level, over each transport, in rounds
    so that drift on a shared machine hits every cell alike."""
    floor = floor_call()
    rest_floor = replace(floor, rest=workload.rest_floor)
    transports = {GRPC: (_grpc_client(service), workload.mix)}
    if workload.external is None:
        transports[REST] = (_rest_client(service.rest_target), workload.rest_mix)
    floors = {t: Cell() for t in transports}
    cells = {(t, level): Cell() for t in transports for level in options.levels}
    for round_ in range(options.rounds):
        for transport, (client, _calls) in transports.items():
            if transport == REST and rest_floor.rest is None:
                continue
            chosen = rest_floor if transport == REST else floor
            floors[transport].extend(
                run_closed_loop([client], [chosen], options.floor_s, seed=round_)
            )
        for level in options.levels:
            for transport, (client, calls) in transports.items():
                cell = run_closed_loop(
                    [client] * level, calls, options.slice_s, seed=round_
                )
                cells[transport, level].extend(cell)
    return {
        "floor": {t: latency(c.samples) for t, c in floors.items() if c.samples},
        "levels": {
            transport: {
                str(level): summarize_cell(cells[transport, level], calls)
                for level in options.levels
            }
            for transport, (_client, calls) in transports.items()
        },
    }


def _external(options: Options, workload: Workload) -> dict[str, Any]:
    """The REST mix against another API, at each level."""
    target = workload.external
    assert target is not None
    client = _rest_client(target)
    result: dict[str, Any] = {"base_url": target.url, "levels": {}}
    if workload.rest_floor is not None:
        floor = replace(floor_call(), rest=workload.rest_floor)
        cell = Cell()
        for round_ in range(options.rounds):
            cell.extend(run_closed_loop([client], [floor], options.floor_s, round_))
        result["floor"] = latency(cell.samples)
    cells = {level: Cell() for level in options.levels}
    for round_ in range(options.rounds):
        for level in options.levels:
            cells[level].extend(
                run_closed_loop(
                    [client] * level, workload.rest_mix, options.slice_s, round_
                )
            )
    for level, cell in cells.items():
        result["levels"][str(level)] = summarize_cell(cell, workload.rest_mix)
    return result


def _queue_overhead(jobs: int) -> dict[str, Any]:
    """bench.queues: a trivial call in the server, on an in-process RQ
    worker and on a forking one, ``jobs`` sequential calls each."""
    from bench import queues

    return asyncio.run(queues.measure(jobs))


@contextlib.contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _options_json(options: Options) -> dict[str, Any]:
    fields = asdict(options)
    fields["critical_clients_per_transport"] = CRITICAL_CLIENTS_PER_TRANSPORT
    return fields


def parse_options(argv: list[str] | None) -> tuple[Options, Path, bool]:
    parser = argparse.ArgumentParser(
        prog="python -m bench.weighted",
        description="Weighted-throughput benchmark of every mode of the service.",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run for CI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results")
    parser.add_argument(
        "--modes",
        help="comma-separated, of " + ", ".join(MODES) + "; empty for none "
        "(with --rest-base-url: only the other API)",
    )
    parser.add_argument("--levels", help="client counts, e.g. 1,4,16")
    parser.add_argument(
        "--nice-workers",
        type=int,
        default=0,
        help="renice server-worker workers (and so their work horses) by this "
        "once up, to see what CPU priority does to critical calls",
    )
    parser.add_argument(
        "--rest-base-url",
        help="send the REST part of the mix to this API instead, e.g. "
        "https://host/prefix (the service's modes still run over gRPC)",
    )
    parser.add_argument(
        "--rest-paths",
        help="JSON file of REST request templates by call label "
        "(see --print-rest-paths)",
    )
    parser.add_argument(
        "--print-rest-paths",
        action="store_true",
        help="print this service's templates and each call's parameters, exit",
    )
    args = parser.parse_args(argv)

    options = QUICK if args.quick else Options()
    if args.modes is not None:
        modes = tuple(m for m in args.modes.split(",") if m)
        unknown = set(modes) - set(MODES)
        if unknown:
            parser.error(f"unknown modes {sorted(unknown)}; known {list(MODES)}")
        options = replace(options, modes=modes)
    if args.levels:
        levels = tuple(int(n) for n in args.levels.split(","))
        if min(levels) < 1:
            parser.error("levels must be at least 1")
        options = replace(options, levels=levels)
    if not options.modes and not args.rest_base_url:
        parser.error("no modes and no --rest-base-url: nothing to measure")
    options = replace(
        options,
        rest_base_url=args.rest_base_url,
        rest_paths=args.rest_paths,
        nice_workers=args.nice_workers,
    )
    return options, args.out, args.print_rest_paths


def _print_rest_paths() -> None:
    mix = default_mix()
    document = {
        **default_rest_paths(mix, floor_rest()),
        PARAMETERS_KEY: parameters_by_call(mix),
    }
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


def main(argv: list[str] | None = None) -> None:
    options, out, print_paths = parse_options(argv)
    if print_paths:
        _print_rest_paths()
        return
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    try:
        results = run(options)
    except (
        ServerProcessError,
        TimeoutError,
        RestError,
        CallFailedError,
        ValueError,
    ) as error:
        _LOGGER.error("benchmark failed: %s", error)
        sys.exit(1)
    sys.stdout.write(weighted_report.render(results))
    weighted_report.write_json(results, out)


if __name__ == "__main__":
    main()
