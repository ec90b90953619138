"""Real Redis on a free port, real RQ workers, and a dispatcher to drive them."""

from __future__ import annotations

import os
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
from server.local_redis import LocalRedis
from server.queue_dispatch import QueueDispatcher
from tests.worker import calls  # noqa: F401  (registers the test calls)
from worker.beacon import LivenessBeacon
from worker.queues import queues_in_order

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[LocalRedis]:
    server = LocalRedis()
    server.start()
    yield server
    server.close()


@pytest.fixture
def redis(redis_server: LocalRedis) -> Iterator[Redis]:
    client = Redis.from_url(redis_server.url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def queue_settings(redis_server: LocalRedis) -> QueueSettings:
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
def workers(redis_server: LocalRedis) -> Iterator[WorkerProcesses]:
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
