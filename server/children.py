"""Child processes that never outlive the process that started them."""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_PR_SET_PDEATHSIG = 1


def _terminate_with_parent() -> None:
    """Runs in the child before exec: Linux sends it SIGTERM when the parent
    dies, even by SIGKILL, so no worker or Redis is left behind."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(
    argv: Sequence[str], cwd: Path | None = None, **kwargs: Any
) -> subprocess.Popen[bytes]:
    """Starts a child in a session of its own (a terminal's Ctrl-C reaches only
    the parent, which then stops children in order) tied to the parent's life."""
    return subprocess.Popen(
        list(argv),
        cwd=cwd,
        start_new_session=True,
        preexec_fn=_terminate_with_parent,
        **kwargs,
    )


def stop(processes: Sequence[subprocess.Popen[bytes]], timeout_s: float = 10) -> None:
    """SIGTERM to all, then SIGKILL to what is still running after the timeout."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
