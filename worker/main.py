"""Worker entrypoint: ``python -m worker.main [--queues critical,features] [--fork]``.

Settings come from the same ``SIIBRA_GRPC_*`` variables as the server's;
``SIIBRA_GRPC_REDIS_URL`` names the Redis to take jobs from. Run as many as
the machine allows, on this machine or others that reach that Redis.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import socket
import uuid

from redis import Redis
from rq import SimpleWorker, Worker

from server import logs
from server.config import Settings
from worker import runtime
from worker.beacon import LivenessBeacon
from worker.criticality import QUEUE_ORDER, Criticality
from worker.queues import queues_in_order

_LOGGER = logging.getLogger(__name__)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run an RQ worker for siibra-grpc.")
    parser.add_argument(
        "--queues",
        default=",".join(c.value for c in QUEUE_ORDER),
        help="classes to serve, taken most critical first (default: all)",
    )
    parser.add_argument(
        "--fork",
        action="store_true",
        help="run each job in a forked work horse (isolates memory; ~14 ms more "
        "per job); default: run jobs in this process, siibra kept warm",
    )
    parser.add_argument("--burst", action="store_true", help="exit when queues empty")
    parser.add_argument(
        "--preload",
        action="store_true",
        help="also build siibra's tables and the features' index before taking "
        "jobs, so no job pays for them",
    )
    parser.add_argument("--name", default="", help="worker name (default: unique)")
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        help="extra module registering calls (repeatable)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    settings = Settings.from_env()
    logs.configure(settings.log_level, settings.log_format)
    runtime.configure(settings)
    for module in ["worker.handlers", *args.imports]:
        importlib.import_module(module)
    # siibra is imported before any job, so forked work horses inherit it
    # instead of importing it again (over a second) for every job.
    siibra = runtime.siibra()
    classes = tuple(Criticality(name) for name in args.queues.split(",") if name)
    if args.preload:
        runtime.warm(siibra)
        runtime.run_warmups(classes)

    connection = Redis.from_url(settings.queue.redis_url)
    name = args.name or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    beacon = LivenessBeacon(connection, name, settings.queue.worker_liveness_s)
    worker_class = Worker if args.fork else SimpleWorker
    worker = worker_class(
        queues_in_order(connection, classes), connection=connection, name=name
    )
    _LOGGER.info(
        "worker %s serving %s (%s)",
        name,
        ",".join(c.value for c in classes),
        "forking" if args.fork else "in-process",
    )
    beacon.start()
    try:
        worker.work(burst=args.burst, with_scheduler=False)
    finally:
        beacon.stop()


if __name__ == "__main__":
    main()
