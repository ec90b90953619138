"""Real Redis on a free port, real RQ workers, and a dispatcher to drive them."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import SimpleWorker

from server.config import SERVER_WORKER, QueueSettings
from server.envoy_proxy import free_port
from server.queue_dispatch import QueueDispatcher
from tests.worker import calls  # noqa: F401  (registers the test calls)
from worker.beacon import LivenessBeacon
from worker.queues import queues_in_order

ROOT = Path(__file__).resolve().parents[2]


class RedisServer:
    """A redis-server process of our own, stoppable mid-test."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed")
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self._workdir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except OSError:
                time.sleep(0.05)
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(5)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis(redis_server: RedisServer) -> Iterator[Redis]:
    client = Redis.from_url(redis_server.url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def queue_settings(redis_server: RedisServer) -> QueueSettings:
    return QueueSettings(mode=SERVER_WORKER, redis_url=redis_server.url)


@pytest.fixture
def dispatcher(loop_thread, queue_settings, redis) -> Iterator[QueueDispatcher]:
    dispatcher = QueueDispatcher(queue_settings)
    loop_thread.run(dispatcher.start())
    yield dispatcher
    loop_thread.run(dispatcher.close())


class WorkerProcesses:
    """Starts ``python -m worker.main`` processes; kills what is left at the end."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "SIIBRA_GRPC_REDIS_URL": self.redis_url,
            "SIIBRA_GRPC_LOG_LEVEL": "WARNING",
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "worker.main",
                "--import",
                "tests.worker.calls",
                *args,
            ],
            cwd=ROOT,
            env=env,
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(5)


@pytest.fixture
def workers(redis_server: RedisServer) -> Iterator[WorkerProcesses]:
    processes = WorkerProcesses(redis_server.url)
    yield processes
    processes.stop_all()


class FakeContext:
    """The part of a servicer context a dispatcher reads: the deadline."""

    def __init__(self, remaining_s: float | None = None) -> None:
        self._deadline = None if remaining_s is None else time.monotonic() + remaining_s

    def time_remaining(self) -> float | None:
        if self._deadline is None:
            return None
        return max(self._deadline - time.monotonic(), 0.0)


def run_burst_worker(redis: Redis) -> None:
    """Runs every queued job in this process, as a worker with a beacon does."""
    worker = SimpleWorker(queues_in_order(redis), connection=redis)
    beacon = LivenessBeacon(redis, worker.name, ttl_s=3.0)
    beacon.start()
    try:
        worker.work(burst=True)
    finally:
        beacon.stop()
