"""What a worker queue costs per job: ``python -m bench.queues [--jobs N]``.

Runs a trivial call through Redis and RQ, on an in-process (SimpleWorker) and
on a forking worker, and compares it with the same call answered in the
server's own process. This is the measurement behind answering critical
metadata from the server's in-memory index rather than through a queue.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import bench.calls  # noqa: F401  (registers the bench calls here too)
from bench.calls import ECHO_CRITICAL, ECHO_VOLUMES, String
from bench.stats import summarize
from server.config import SERVER_WORKER, QueueSettings
from server.dispatch import Deadline, InProcessDispatcher
from server.local_redis import LocalRedis
from server.queue_dispatch import QueueDispatcher

ROOT = Path(__file__).resolve().parent.parent


def start_worker(redis_url: str, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SIIBRA_GRPC_REDIS_URL": redis_url,
        "SIIBRA_GRPC_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "worker.main", "--import", "bench.calls", *args],
        cwd=ROOT,
        env=env,
    )


async def timed_calls(dispatcher, method: str, jobs: int) -> list[float]:
    samples = []
    for i in range(jobs + 10):
        started = time.perf_counter()
        await dispatcher.call(method, String(value=str(i)), Deadline(30))
        if i >= 10:  # the first calls warm connections and imports
            samples.append((time.perf_counter() - started) * 1e3)
    return samples


async def measure(jobs: int) -> dict[str, dict[str, float]]:
    results = {}
    in_process = InProcessDispatcher()
    results["in the server, thread pool"] = summarize(
        await timed_calls(in_process, ECHO_VOLUMES, jobs)
    )
    await in_process.close()

    redis = LocalRedis()
    redis.start()
    dispatcher = QueueDispatcher(QueueSettings(mode=SERVER_WORKER, redis_url=redis.url))
    await dispatcher.start()
    try:
        for label, method, args in (
            ("RQ SimpleWorker (in-process)", ECHO_CRITICAL, ("--queues", "critical")),
            (
                "RQ Worker (fork per job)",
                ECHO_VOLUMES,
                ("--fork", "--queues", "volumes"),
            ),
        ):
            worker = start_worker(redis.url, *args)
            try:
                results[label] = summarize(await timed_calls(dispatcher, method, jobs))
            finally:
                worker.terminate()
                worker.wait(10)
    finally:
        await dispatcher.close()
        redis.close()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("bench-results/queues.json"))
    args = parser.parse_args(argv)

    results = asyncio.run(measure(args.jobs))
    print(f"Per-call cost of where a call runs ({args.jobs} sequential calls), ms")
    print(f"  {'where':<32} {'p50':>7} {'p95':>7} {'p99':>7}")
    for label, figures in results.items():
        print(
            f"  {label:<32} {figures['p50']:7.2f} {figures['p95']:7.2f} "
            f"{figures['p99']:7.2f}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
