"""A worker's liveness key, renewed by a thread while the process lives.

RQ's own heartbeat is not renewed while a non-forking worker runs a job and
its key lives for minutes. The server needs to know within seconds that a
worker died mid-job, so each worker process keeps a short-lived key alive.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from redis import Redis
from redis.exceptions import RedisError

from worker.queues import liveness_key

_LOGGER = logging.getLogger(__name__)


class LivenessBeacon:
    def __init__(self, connection: Redis, worker_name: str, ttl_s: float) -> None:
        self._connection = connection
        self._key = liveness_key(worker_name)
        self._ttl_ms = int(ttl_s * 1000)
        self._interval_s = ttl_s / 3
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="liveness-beacon", daemon=True
        )

    def start(self) -> None:
        self._renew()
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(self._interval_s * 2)
        with contextlib.suppress(RedisError):
            self._connection.delete(self._key)

    def _renew(self) -> None:
        try:
            self._connection.set(self._key, b"1", px=self._ttl_ms)
        except RedisError:
            _LOGGER.warning("cannot renew liveness key %s", self._key)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval_s):
            self._renew()
