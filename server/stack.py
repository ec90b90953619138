"""Runs the whole service on one machine: ``python -m server.stack``.

all-in-one (default): the server alone, calls on its thread pools.
server-worker: a Redis of its own on a free port (unless
``SIIBRA_GRPC_REDIS_URL`` names one), N forking RQ workers on every queue,
one in-process worker for the cheap queues, then the server. Everything
started here is stopped on SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import subprocess
import sys
from pathlib import Path

from server import children, logs
from server.config import ALL_IN_ONE, SERVER_WORKER, Settings
from server.local_redis import LocalRedis
from server.main import serve
from worker.criticality import Criticality

_LOGGER = logging.getLogger(__name__)


def start_worker(redis_url: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SIIBRA_GRPC_REDIS_URL": redis_url}
    return children.spawn(
        [sys.executable, "-m", "worker.main", "--preload", *args],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=(ALL_IN_ONE, SERVER_WORKER))
    parser.add_argument("--workers", type=int, default=2, help="forking workers")
    parser.add_argument(
        "--fast-workers",
        type=int,
        default=1,
        help="in-process critical/features workers",
    )
    parser.add_argument("--grpc-port", type=int)
    parser.add_argument("--rest-port", type=int)
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    logs.configure(settings.log_level, settings.log_format)
    mode = args.mode or settings.queue.mode
    ports = {
        k: v
        for k, v in (("grpc_port", args.grpc_port), ("rest_port", args.rest_port))
        if v is not None
    }
    redis = None
    workers: list[subprocess.Popen[bytes]] = []
    try:
        redis_url = settings.queue.redis_url
        if mode == SERVER_WORKER:
            if not redis_url:
                redis = LocalRedis()
                redis.start()
                redis_url = redis.url
            cheap = f"{Criticality.CRITICAL.value},{Criticality.FEATURES.value}"
            workers += [start_worker(redis_url, "--fork") for _ in range(args.workers)]
            workers += [
                start_worker(redis_url, "--queues", cheap)
                for _ in range(args.fast_workers)
            ]
        queue = dataclasses.replace(settings.queue, mode=mode, redis_url=redis_url)
        asyncio.run(serve(dataclasses.replace(settings, queue=queue, **ports)))
    finally:
        # The server has stopped: no new jobs. Then workers, then their Redis.
        children.stop(workers)
        if redis is not None:
            redis.stop()
            redis.close()


if __name__ == "__main__":
    main()
