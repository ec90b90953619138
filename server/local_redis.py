"""A redis-server process of our own, on a free loopback port."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import time

from redis import Redis
from redis.exceptions import RedisError

from server import children
from server.envoy_proxy import free_port

_LOGGER = logging.getLogger(__name__)


class LocalRedis:
    """No persistence, loopback only; can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tempfile.mkdtemp(prefix="siibra-grpc-redis-")
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 10.0) -> None:
        """Raises: RuntimeError: redis-server is missing or does not answer."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self._process = children.spawn(
            [
                *(binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", self._dir),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = Redis.from_url(self.url)
        deadline = time.monotonic() + timeout_s
        try:
            while time.monotonic() < deadline:
                try:
                    client.ping()
                    _LOGGER.info("redis on %s", self.url)
                    return
                except (RedisError, OSError):
                    time.sleep(0.05)
        finally:
            client.close()
        raise RuntimeError(f"redis-server on port {self.port} did not answer")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(5)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)
