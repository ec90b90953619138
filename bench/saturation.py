"""Critical calls on an idle service, and while expensive calls keep every
worker busy.

The server-worker design promises that critical calls keep a p99 within
1.2x of their idle p99 when every worker is busy on expensive calls. Here
critical clients (gRPC and REST at once, pausing a few milliseconds between
calls, so that an idle service has CPU to spare) run throughout while
expensive load comes and goes: idle, saturated, idle, saturated, idle. While
saturated, twice as many clients as the mode runs expensive calls at once
make uncertain-point assignments back to back, so a job always waits; their
calls in flight are cancelled at the end of each saturated window.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import grpc

from bench.loadgen import CALL_TIMEOUT_S, GRPC, OK, Caller, Cell, Sample
from bench.loadgen import run_closed_loop as run_loop
from bench.mix import (
    SATURATING_SIGMA_MM,
    MixCall,
    assign_request,
    point_params,
    saturating_call,
)
from bench.modes import ServiceRun
from bench.score import latency
from siibragrpc.v1 import maps_pb2_grpc
from worker.criticality import Criticality

_LOGGER = logging.getLogger(__name__)

TARGET_RATIO = 1.2
# Expensive clients per call the mode runs at once.
CLIENTS_PER_SLOT = 2
_SAMPLE_INTERVAL_S = 0.1
_WAIT_STEP_S = 0.02
# A settled server-worker stack has no job waiting or running for this long.
_QUIET_S = 0.3
_SETTLE_LIMIT_S = 15.0
_MAX_EXPENSIVE_CALLS = 10_000
# Critical clients connect during this before the first window opens.
_LEAD_IN_S = 0.3
# The critical clients stop by themselves after this, whatever happens.
_SCENARIO_LIMIT_S = 300.0
_JOIN_SLACK_S = 10.0


@dataclass(frozen=True)
class Plan:
    """The scenario's timeline, in seconds: ``cycles`` times an idle window
    then a saturated one (after ``ramp_s`` of expensive load), and a last
    idle window; critical clients pause ``think_s`` between calls."""

    idle_s: float
    saturated_s: float
    ramp_s: float
    cycles: int = 2
    think_s: float = 0.005


class ExpensiveLoad:
    """Closed-loop expensive calls on threads, cancelled when stopped."""

    def __init__(self, channel: grpc.Channel, clients: int, seed: int = 0) -> None:
        self._stub = maps_pb2_grpc.MapServiceStub(channel)
        self._label = saturating_call().label
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.in_flight = 0
        self.samples: list[Sample] = []
        self._threads = [
            threading.Thread(target=self._client, args=(seed * 1000 + i,), daemon=True)
            for i in range(clients)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def _client(self, seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(_MAX_EXPENSIVE_CALLS):
            if self._stop.is_set():
                return
            request = assign_request(point_params(rng), SATURATING_SIGMA_MM)
            started = time.perf_counter()
            future = self._stub.AssignPoint.future(request, timeout=CALL_TIMEOUT_S)
            with self._lock:
                self.in_flight += 1
            try:
                code = self._outcome(future)
            finally:
                with self._lock:
                    self.in_flight -= 1
            if code is not None:
                ms = (time.perf_counter() - started) * 1e3
                self.samples.append(Sample(self._label, GRPC, ms, code))

    def _outcome(self, future: Any) -> str | None:
        """The call's status name, or None if it was cancelled here."""
        while not future.done():
            if self._stop.wait(_WAIT_STEP_S):
                future.cancel()
                return None
        try:
            future.result()
            return OK
        except grpc.RpcError as error:
            return str(error.code().name)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(CALL_TIMEOUT_S)


def run(
    service: ServiceRun,
    clients: Sequence[Callable[[], Caller]],
    calls: list[MixCall],
    plan: Plan,
    expensive_ms: float,
) -> dict[str, Any]:
    """Critical calls measured throughout while expensive load comes and goes.

    The critical clients run from start to end; each of their calls counts
    for the window it started and ended in (idle or saturated), and calls
    during a ramp or a settle count for neither.

    Args:
        service: The running stack.
        clients: Caller factories, one per critical client.
        calls: The mix; its critical calls are drawn from.
        plan: The timeline.
        expensive_ms: One expensive call alone; how long an all-in-one
            server may still run calls that were cancelled.

    Returns:
        Figures per transport and window kind, the expensive calls' figures,
        and the p99 ratio per transport.

    Raises:
        CallFailedError, OSError, TimeoutError: critical clients could not
            connect.
    """
    critical = [c for c in calls if c.criticality == Criticality.CRITICAL]
    stop = threading.Event()
    outcome: dict[str, Any] = {}

    def measure() -> None:
        try:
            outcome["cell"] = run_loop(
                clients, critical, _SCENARIO_LIMIT_S, 11, plan.think_s, stop
            )
        except BaseException as error:  # handed to the waiting thread
            outcome["error"] = error

    runner = threading.Thread(target=measure, name="critical", daemon=True)
    runner.start()
    windows: list[tuple[str, float, float]] = []
    watch = _Watch(service)
    expensive: list[Sample] = []
    loaded_s = 0.0
    try:
        time.sleep(_LEAD_IN_S)
        for cycle in range(plan.cycles):
            windows.append(_window("idle", plan.idle_s))
            started = time.perf_counter()
            # Seeds no other call uses: every point, and answer, is new.
            samples = _saturate(service, plan, watch, windows, seed=100 + cycle)
            loaded_s += time.perf_counter() - started
            expensive += samples
            _settle(service, expensive_ms)
        windows.append(_window("idle", plan.idle_s))
    finally:
        stop.set()
        runner.join(CALL_TIMEOUT_S + _JOIN_SLACK_S)
        watch.stop()
    if "error" in outcome:
        raise outcome["error"]
    figures = latency(expensive)
    figures.update(
        clients=CLIENTS_PER_SLOT * service.mode.capacity,
        slots=service.mode.capacity,
        per_s=(figures["count"] - figures["errors"]) / max(loaded_s, 1e-9),
        loaded_s=loaded_s,
        **watch.figures(),
    )
    return _figures(outcome["cell"], windows, figures, plan)


def _window(kind: str, duration_s: float) -> tuple[str, float, float]:
    started = time.perf_counter()
    time.sleep(duration_s)
    return kind, started, time.perf_counter()


def _saturate(
    service: ServiceRun,
    plan: Plan,
    watch: _Watch,
    windows: list[tuple[str, float, float]],
    seed: int,
) -> list[Sample]:
    """Starts the expensive load, waits the ramp, measures a saturated
    window, and cancels the load; returns the expensive calls that ended."""
    assert service.channel is not None
    slots = service.mode.capacity
    load = ExpensiveLoad(service.channel, CLIENTS_PER_SLOT * slots, seed=seed)
    load.start()
    try:
        time.sleep(plan.ramp_s)
        watch.follow(load, slots)
        windows.append(_window("saturated", plan.saturated_s))
        watch.follow(None, slots)
    finally:
        load.stop()
    return load.samples


class _Watch:
    """Samples how busy the expensive side is during saturated windows."""

    def __init__(self, service: ServiceRun) -> None:
        self._service = service
        self._load: ExpensiveLoad | None = None
        self._slots = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        self.full: list[bool] = []
        self.waiting: list[int] = []

    def follow(self, load: ExpensiveLoad | None, slots: int) -> None:
        """Samples ``load`` from now on; None pauses."""
        self._load, self._slots = load, slots

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _loop(self) -> None:
        while not self._stop.wait(_SAMPLE_INTERVAL_S):
            load = self._load
            if load is None:
                continue
            self.full.append(load.in_flight >= self._slots)
            if self._service.mode.server_worker:
                self.waiting.append(self._service.queue_length(Criticality.VOLUMES))

    def figures(self) -> dict[str, Any]:
        full = sum(self.full) / len(self.full) if self.full else None
        waiting = sum(self.waiting) / len(self.waiting) if self.waiting else None
        return {"all_slots_busy_fraction": full, "mean_jobs_waiting": waiting}


def _settle(service: ServiceRun, expensive_ms: float) -> None:
    """Waits until no expensive call runs any more.

    Cancelled jobs leave a server-worker queue at once and their work horses
    are stopped; an all-in-one server's threads finish the calls they run,
    which share the interpreter: about one expensive call's time per thread.
    """
    if not service.mode.server_worker:
        running = service.mode.capacity
        time.sleep(min(running * expensive_ms / 1e3, _SETTLE_LIMIT_S))
        return
    deadline = time.perf_counter() + _SETTLE_LIMIT_S
    quiet_since = time.perf_counter()
    while time.perf_counter() < deadline:
        if service.queue_length(Criticality.VOLUMES) or service.busy_workers():
            quiet_since = time.perf_counter()
        elif time.perf_counter() - quiet_since >= _QUIET_S:
            return
        time.sleep(0.05)
    _LOGGER.warning("workers still busy %.0fs after the load stopped", _SETTLE_LIMIT_S)


def _figures(
    cell: Cell,
    windows: list[tuple[str, float, float]],
    expensive: dict[str, Any],
    plan: Plan,
) -> dict[str, Any]:
    def within(sample: Sample, kind: str) -> bool:
        return any(
            k == kind and start <= sample.at and sample.ended <= end
            for k, start, end in windows
        )

    result: dict[str, Any] = {
        "expensive": expensive,
        "target_ratio": TARGET_RATIO,
        "windows": [[k, end - start] for k, start, end in windows],
        "think_s": plan.think_s,
    }
    for transport in sorted({s.transport for s in cell.samples}):
        mine = [s for s in cell.samples if s.transport == transport]
        quiet = latency([s for s in mine if within(s, "idle")])
        busy = latency([s for s in mine if within(s, "saturated")])
        ratio = None
        if "p99" in quiet and "p99" in busy:
            ratio = busy["p99"] / quiet["p99"]
        result[transport] = {"idle": quiet, "saturated": busy, "p99_ratio": ratio}
    return result
