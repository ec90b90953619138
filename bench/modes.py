"""The service in each mode it is measured in: started with ``server.stack``
on free ports, timed until it answers, watched for memory, and stopped.

A mode is all-in-one (expensive calls on thread pools in the server) or
server-worker with N forking workers and one in-process worker for the cheap
queues, as ``make run MODE=server-worker WORKERS=N`` starts it. The Redis of a
server-worker run is the benchmark's own, so it can tell when every worker
is up (their liveness keys).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from redis import Redis
from rq import Worker

from bench import rest
from bench.loadgen import RestTarget
from bench.mix import CallFailedError, MixCall, Stubs
from bench.process import (
    HOST,
    ServerProcess,
    ServerProcessError,
    memory_kib,
    read_process,
)
from server.config import ALL_IN_ONE, SERVER_WORKER
from server.dispatch import DEFAULT_POOL_SIZES
from server.local_redis import LocalRedis
from worker.criticality import Criticality
from worker.queues import liveness_key, queue

_LOGGER = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.01
# An all-in-one server reports this service SERVING once its background
# warm-up (siibra, the features' index) is done.
WARMED_SERVICE = "siibragrpc.v1.FeatureService"
MEMORY_SAMPLE_INTERVAL_S = 0.25
_ANSWER_TIMEOUT_S = 1.0
# Codes a metadata call can end with while the server is still coming up.
_STARTING = ("UNAVAILABLE", "DEADLINE_EXCEEDED")


@dataclass(frozen=True)
class Mode:
    """How the service runs: ``workers`` forking workers, or none for
    all-in-one."""

    key: str
    workers: int = 0
    fast_workers: int = 1

    @property
    def name(self) -> str:
        if not self.workers:
            return ALL_IN_ONE
        return f"server-worker, {self.workers} worker{'s' * (self.workers > 1)}"

    @property
    def server_worker(self) -> bool:
        return self.workers > 0

    @property
    def capacity(self) -> int:
        """How many volume calls run at once: one per forking worker, or the
        all-in-one thread pool of the class."""
        return self.workers or DEFAULT_POOL_SIZES[Criticality.VOLUMES]

    @property
    def stack_args(self) -> tuple[str, ...]:
        if not self.server_worker:
            return ("--mode", ALL_IN_ONE)
        return (
            *("--mode", SERVER_WORKER),
            *("--workers", str(self.workers)),
            *("--fast-workers", str(self.fast_workers)),
        )


MODES = {
    mode.key: mode
    for mode in (Mode("all-in-one"), Mode("sw1", 1), Mode("sw2", 2), Mode("sw4", 4))
}


class ServiceRun:
    """One start of the service in a mode; ``stop`` ends everything it began.

    Args:
        mode: The mode.
        cache_dir: Snapshot and siibra cache, shared by the runs.
        log_path: The stack's output (server, Envoy and workers).
        env: Variables for the stack (mirrors, log level).
    """

    def __init__(
        self,
        mode: Mode,
        cache_dir: Path,
        log_path: Path,
        env: dict[str, str],
        nice_workers: int = 0,
    ) -> None:
        self.mode = mode
        self.nice_workers = nice_workers
        self.redis: LocalRedis | None = None
        stack_env: dict[str, str | None] = {
            **env,
            "SIIBRA_GRPC_MODE": None,
            "SIIBRA_GRPC_REDIS_URL": None,
        }
        if mode.server_worker:
            self.redis = LocalRedis()
            stack_env["SIIBRA_GRPC_REDIS_URL"] = self.redis.url
        self.server = ServerProcess(
            cache_dir,
            log_path,
            module="server.stack",
            args=mode.stack_args,
            env=stack_env,
            own_session=True,
        )
        self.channel: grpc.Channel | None = None
        self.memory = MemorySampler(self)
        self.startup: dict[str, Any] = {}

    @property
    def rest_target(self) -> RestTarget:
        return RestTarget(HOST, self.server.rest_port)

    def redis_pid(self) -> int | None:
        """Our redis-server, found among this process's children by its port."""
        if self.redis is None:
            return None
        # redis-server names itself after its address once it runs.
        address = f"127.0.0.1:{self.redis.port}"
        return next(
            (pid for pid in children_of(os.getpid()) if address in _cmdline(pid)),
            None,
        )

    def start(
        self, probe: MixCall, timeout_s: float, until_ready: bool = True
    ) -> dict[str, Any]:
        """Starts Redis (server-worker), then the stack; waits until it answers
        ``probe`` over gRPC and REST, then (``until_ready``) until it is
        ready: warm (all-in-one) or every worker taking jobs (server-worker).

        Returns:
            Seconds from spawn to each step.

        Raises:
            ServerProcessError: the stack exited.
            TimeoutError: a step did not happen within ``timeout_s``.
        """
        if self.redis is not None:
            self.redis.start()
        self.server.start()
        spawned = self.server.spawned_at
        deadline = spawned + timeout_s
        self.memory.start()
        _wait_for_port(self.server, deadline)
        self.startup["port_open_s"] = time.perf_counter() - spawned
        self.channel = grpc.insecure_channel(f"{HOST}:{self.server.grpc_port}")
        _first_answer(self.server, Stubs.on(self.channel), probe, deadline)
        self.startup["first_answer_s"] = time.perf_counter() - spawned
        rest.wait_until_ready(
            HOST, self.server.rest_port, deadline - time.perf_counter()
        )
        self.startup["rest_ready_s"] = time.perf_counter() - spawned
        if not until_ready:
            return self.startup
        if self.mode.server_worker:
            self._wait_for_workers(deadline)
            if self.nice_workers:
                for pid in self.worker_pids():
                    renice(pid, self.nice_workers)
        else:
            _wait_for_health(self.server, self.channel, WARMED_SERVICE, deadline)
        self.startup["ready_s"] = time.perf_counter() - spawned
        _LOGGER.info("%s ready: %s", self.mode.name, self.startup)
        return self.startup

    def _wait_for_workers(self, deadline: float) -> None:
        assert self.redis is not None
        wanted = self.mode.workers + self.mode.fast_workers
        client = Redis.from_url(self.redis.url)
        try:
            while True:
                self.server.check_running()
                alive = len(client.keys(liveness_key("*")))
                if alive >= wanted:
                    return
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"{alive} of {wanted} workers up")
                time.sleep(0.1)
        finally:
            client.close()

    def queue_length(self, criticality: Criticality) -> int:
        """Jobs waiting on a queue (server-worker only; 0 otherwise)."""
        if self.redis is None:
            return 0
        client = Redis.from_url(self.redis.url)
        try:
            return int(queue(criticality, client).count)
        finally:
            client.close()

    def worker_pids(self) -> list[int]:
        """The stack's worker processes."""
        return [
            pid
            for pid in children_of(self.server.pid)
            if "worker.main" in _cmdline(pid)
        ]

    def memory_summary(self) -> dict[str, Any]:
        """Peak RSS by role so far (see :class:`MemorySampler`)."""
        with contextlib.suppress(OSError, ServerProcessError):
            self.memory.sample()
        return self.memory.summary()

    def busy_workers(self) -> int:
        """Workers running a job (server-worker only; 0 otherwise)."""
        if self.redis is None:
            return 0
        client = Redis.from_url(self.redis.url)
        try:
            return sum(w.get_state() == "busy" for w in Worker.all(connection=client))
        finally:
            client.close()

    def stop(self) -> None:
        """Stops the stack, anything it left, and Redis; never raises."""
        with contextlib.suppress(OSError, ServerProcessError):
            self.memory.sample()
        self.memory.stop()
        if self.channel is not None:
            self.channel.close()
        try:
            self.server.stop(timeout_s=30.0)
        finally:
            if self.redis is not None:
                self.redis.close()


def _wait_for_port(server: ServerProcess, deadline: float) -> None:
    while True:
        server.check_running()
        with (
            contextlib.suppress(OSError),
            socket.create_connection((HOST, server.grpc_port), timeout=0.5),
        ):
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"gRPC port closed:\n{server.log_tail()}")
        time.sleep(POLL_INTERVAL_S)


def _first_answer(
    server: ServerProcess, stubs: Stubs, probe: MixCall, deadline: float
) -> None:
    """Makes ``probe`` until it is answered: the first call a user gets.

    Raises:
        CallFailedError: it failed other than by the server still starting.
    """
    params = probe.params(random.Random(0))
    while True:
        server.check_running()
        try:
            probe.grpc(stubs, params, _ANSWER_TIMEOUT_S)
            return
        except grpc.RpcError as error:
            if error.code().name not in _STARTING:
                raise CallFailedError(
                    error.code().name, error.details() or ""
                ) from None
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no answer:\n{server.log_tail()}")
        time.sleep(POLL_INTERVAL_S)


def _wait_for_health(
    server: ServerProcess, channel: grpc.Channel, service: str, deadline: float
) -> None:
    """Polls the health of one service until it is SERVING."""
    health = health_pb2_grpc.HealthStub(channel)
    request = health_pb2.HealthCheckRequest(service=service)
    while True:
        server.check_running()
        with contextlib.suppress(grpc.RpcError):
            answer = health.Check(request, timeout=_ANSWER_TIMEOUT_S)
            if answer.status == health_pb2.HealthCheckResponse.SERVING:
                return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{service} not SERVING:\n{server.log_tail()}")
        time.sleep(0.05)


def renice(pid: int, nice: int) -> None:
    """Sets a process's niceness, and its autogroup's where the kernel groups
    processes by session (workers have sessions of their own, and the
    scheduler shares CPU between groups before it looks at niceness)."""
    os.setpriority(os.PRIO_PROCESS, pid, nice)
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))


def children_of(pid: int) -> list[int]:
    """Direct children, from /proc/<pid>/task/*/children."""
    found: list[int] = []
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class MemorySampler:
    """Samples the stack's processes' peak RSS (VmHWM) every quarter second.

    Forked work horses live for one job; one shorter than the interval may
    be missed, so their figure is a lower bound.
    """

    def __init__(self, run: ServiceRun) -> None:
        self._run = run
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="memory", daemon=True)
        self._lock = threading.Lock()
        # pid -> (role, VmHWM KiB, last VmRSS KiB)
        self.peaks: dict[int, tuple[str, int, int]] = {}

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)

    def _loop(self) -> None:
        while not self._stop.wait(MEMORY_SAMPLE_INTERVAL_S):
            with contextlib.suppress(OSError, ServerProcessError):
                self.sample()

    def sample(self) -> None:
        root = self._run.server.pid
        found = [(root, "server")]
        workers = []
        for child in children_of(root):
            info = read_process(child)
            if info is None:
                continue
            if info.name == "envoy":
                found.append((child, "envoy"))
            elif "worker.main" in _cmdline(child):
                found.append((child, "worker"))
                workers.append(child)
        found += [(h, "horse") for w in workers for h in children_of(w)]
        redis_pid = self._run.redis_pid()
        if redis_pid is not None:
            found.append((redis_pid, "redis"))
        with self._lock:
            for pid, role in found:
                memory = memory_kib(pid)
                if "VmHWM" not in memory:
                    continue
                _, peak, _ = self.peaks.get(pid, (role, 0, 0))
                self.peaks[pid] = (role, max(peak, memory["VmHWM"]), memory["VmRSS"])

    def summary(self) -> dict[str, Any]:
        """Peak RSS in MiB by role: the largest process and the sum."""
        with self._lock:
            peaks = list(self.peaks.values())
        roles: dict[str, Any] = {}
        for role in ("server", "envoy", "worker", "horse", "redis"):
            hwm = [peak for r, peak, _ in peaks if r == role]
            if hwm:
                roles[role] = {
                    "processes": len(hwm),
                    "max_peak_mib": max(hwm) / 1024,
                    "sum_peak_mib": sum(hwm) / 1024,
                }
        return roles
