"""The server as a subprocess on free ports, its children, and their memory.

psutil is not available, so the process tree is read from ``/proc``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from server import children

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# server/envoy_proxy.py does not remove Envoy's config folder when it stops;
# the bench removes the ones its own servers created.
_ENVOY_WORKDIR_PREFIX = "siibra-grpc-envoy-"


class ServerProcessError(RuntimeError):
    """The server exited early or could not be started."""


@dataclass(frozen=True)
class ProcessInfo:
    """A process as seen in ``/proc/<pid>/stat``.

    ``start_ticks`` tells a process apart from a later one that reuses its pid.
    """

    pid: int
    name: str
    ppid: int
    start_ticks: int
    state: str


def free_ports(count: int, host: str = HOST) -> list[int]:
    """Ports the kernel reports free, all bound at once so they differ."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def read_process(pid: int) -> ProcessInfo | None:
    """Returns the process's stat line, parsed, or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The name is in parentheses and may itself hold spaces or ")".
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    return ProcessInfo(pid, name, int(fields[1]), int(fields[19]), fields[0])


def descendants(pid: int) -> list[ProcessInfo]:
    """Every live process below ``pid``, children before grandchildren."""
    processes = [
        info
        for entry in os.listdir("/proc")
        if entry.isdigit() and (info := read_process(int(entry))) is not None
    ]
    found: list[ProcessInfo] = []
    parents = {pid}
    while parents:
        below = [p for p in processes if p.ppid in parents and p.state != "Z"]
        found += below
        parents = {p.pid for p in below}
    return found


def is_alive(process: ProcessInfo) -> bool:
    current = read_process(process.pid)
    return (
        current is not None
        and current.start_ticks == process.start_ticks
        and current.state != "Z"
    )


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in KiB; empty if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return {}
    memory: dict[str, int] = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            memory[key] = int(value.split()[0])
    return memory


def _envoy_workdir(pid: int) -> Path | None:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except FileNotFoundError:
        return None
    if "--config-path" not in argv:
        return None
    folder = Path(argv[argv.index("--config-path") + 1]).parent
    in_tmp = folder.parent == Path(tempfile.gettempdir())
    return folder if in_tmp and folder.name.startswith(_ENVOY_WORKDIR_PREFIX) else None


class ServerProcess:
    """``python -m server.main`` (or another entrypoint taking the same port
    flags) with its own cache folder, on free ports.

    Args:
        cache_dir: Passed as SIIBRA_GRPC_CACHE_DIR; the snapshot lives there.
        log_path: Where the server's stdout and stderr go.
        module: The module to run, e.g. "server.stack" for a whole stack.
        args: More arguments after the ports, e.g. ``("--mode", "all-in-one")``.
        env: Variables to set (a value of None removes one) over this process's.
        own_session: Start it in a session of its own, tied to this process's
            life (``server.children.spawn``), as a service runs apart from its
            clients: the scheduler then shares CPU between the load generator
            and the server as between any two sessions.
    """

    def __init__(
        self,
        cache_dir: Path,
        log_path: Path,
        module: str = "server.main",
        args: tuple[str, ...] = (),
        env: dict[str, str | None] | None = None,
        own_session: bool = False,
    ) -> None:
        self.own_session = own_session
        self.cache_dir = cache_dir
        self.log_path = log_path
        self.module = module
        self.args = args
        self.env = env or {}
        self.grpc_port, self.rest_port = free_ports(2)
        self.spawned_at = 0.0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise ServerProcessError("not started")
        return self._process.pid

    def start(self) -> None:
        """Spawns the server and notes the time, the origin of start timings."""
        env = {**os.environ, "SIIBRA_GRPC_CACHE_DIR": str(self.cache_dir)}
        for name, value in self.env.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        argv = [
            *(sys.executable, "-m", self.module),
            *("--grpc-port", str(self.grpc_port)),
            *("--rest-port", str(self.rest_port)),
            *self.args,
        ]
        self._log = self.log_path.open("wb")
        self.spawned_at = time.perf_counter()
        start = children.spawn if self.own_session else subprocess.Popen
        self._process = start(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        _LOGGER.info(
            "server pid %d: gRPC %d, REST %d", self.pid, self.grpc_port, self.rest_port
        )

    def check_running(self) -> None:
        """Raises: ServerProcessError: the server has exited."""
        if self._process is not None and self._process.poll() is not None:
            raise ServerProcessError(
                f"server exited with {self._process.returncode}:\n{self.log_tail()}"
            )

    def envoy(self) -> ProcessInfo | None:
        """The Envoy child of the server, once it runs."""
        children = [p for p in descendants(self.pid) if p.ppid == self.pid]
        return next((p for p in children if p.name == "envoy"), None)

    def log_tail(self, chars: int = 3000) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stops the server, then anything it left running, and closes the log."""
        if self._process is None:
            return
        # Taken before the server exits: orphans lose their link to it.
        family = descendants(self._process.pid)
        workdirs = [d for p in family if (d := _envoy_workdir(p.pid)) is not None]
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                _LOGGER.warning("server pid %d ignored SIGTERM; killing", self.pid)
                self._process.kill()
                self._process.wait()
        for process in family:
            _end(process)
        for folder in workdirs:
            shutil.rmtree(folder, ignore_errors=True)
        if self._log is not None:
            self._log.close()
        self._process = None


def _end(process: ProcessInfo, timeout_s: float = 3.0) -> None:
    """Terminates a left-over descendant, then kills it if it lingers."""
    if not is_alive(process):
        return
    _LOGGER.warning("%s (pid %d) outlived the server", process.name, process.pid)
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not is_alive(process):
            return
        time.sleep(0.05)
    if is_alive(process):
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
