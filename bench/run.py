"""One benchmark run: a cold start, then a warm start measured under load."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import grpc

from bench import metadata, rest
from bench.machine import code_revision, machine_info
from bench.process import HOST, ServerProcess, memory_kib
from bench.startup import POLL_INTERVAL_S, wait_until_serving

_LOGGER = logging.getLogger(__name__)

START_TIMEOUT_S = 60.0
REST_TIMEOUT_S = 30.0


@dataclasses.dataclass(frozen=True)
class Options:
    """How many timed and warm-up calls each request gets."""

    calls: int
    warmup: int


def run(options: Options) -> dict[str, Any]:
    """Runs everything in a scratch folder, which it removes afterwards.

    Returns:
        The results, ready for :mod:`bench.report`.

    Raises:
        ServerProcessError: a server exited early.
        TimeoutError: a server did not get ready in time.
    """
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": machine_info(),
        "revision": code_revision(),
        "options": {
            **dataclasses.asdict(options),
            "poll_interval_s": POLL_INTERVAL_S,
            "order": "sequential, one of each request per round, shuffled",
        },
        # The servers inherit these; the bench sets only the cache folder.
        "server_env": {
            name: value
            for name, value in sorted(os.environ.items())
            if name.startswith("SIIBRA_GRPC_")
        },
    }
    workdir = Path(tempfile.mkdtemp(prefix="siibra-bench-"))
    try:
        # The warm start reuses the snapshot the cold start leaves in here.
        cache_dir = workdir / "cache"
        cache_dir.mkdir()
        results["startup"] = {"cold": _cold_start(cache_dir, workdir)}
        results["snapshot"] = _snapshot_file(cache_dir)
        _warm_run(cache_dir, workdir, options, results)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["elapsed_s"] = time.perf_counter() - started
    return results


def _cold_start(cache_dir: Path, workdir: Path) -> dict[str, Any]:
    _LOGGER.info("cold start: empty cache %s", cache_dir)
    server = ServerProcess(cache_dir, workdir / "server-cold.log")
    try:
        server.start()
        timing, channel = wait_until_serving(server, START_TIMEOUT_S)
        channel.close()
        return {**dataclasses.asdict(timing), "memory_kib": _memory(server)}
    finally:
        server.stop()


def _snapshot_file(cache_dir: Path) -> dict[str, Any]:
    found = sorted(cache_dir.glob("catalog-*.snapshot"))
    if not found:
        return {"file": None, "bytes": 0}
    return {"file": found[0].name, "bytes": found[0].stat().st_size}


def _warm_run(
    cache_dir: Path, workdir: Path, options: Options, results: dict[str, Any]
) -> None:
    _LOGGER.info("warm start: snapshot in %s", cache_dir)
    server = ServerProcess(cache_dir, workdir / "server-warm.log")
    channel: grpc.Channel | None = None
    client: rest.RestClient | None = None
    try:
        server.start()
        timing, channel = wait_until_serving(server, START_TIMEOUT_S)
        # Straight after SERVING, before anything else touches the server.
        results["first_call_ms"] = metadata.first_calls(channel)
        rest_wait_s = rest.wait_until_ready(HOST, server.rest_port, REST_TIMEOUT_S)
        results["startup"]["warm"] = {
            **dataclasses.asdict(timing),
            "rest_ready_after_serving_s": rest_wait_s,
        }
        results["memory_kib"] = {"after_load": _memory(server)}

        client = rest.RestClient(HOST, server.rest_port)
        steady = metadata.steady_state(channel, client, options.calls, options.warmup)
        results["memory_kib"]["after_workload"] = _memory(server)
    finally:
        if client is not None:
            client.close()
        if channel is not None:
            channel.close()
        server.stop()

    grpc_ms, rest_ms = steady[metadata.GRPC], steady[metadata.REST]
    floor_p50 = grpc_ms[metadata.FLOOR]["p50"]
    metadata.add_floor_ratios(grpc_ms, floor_p50)
    metadata.add_floor_ratios(rest_ms, floor_p50)
    results["floor_ms"] = grpc_ms.pop(metadata.FLOOR)
    results["grpc_ms"] = grpc_ms
    results["rest_ms"] = rest_ms


def _memory(server: ServerProcess) -> dict[str, Any]:
    """VmRSS and VmHWM of the server and of its Envoy child, if running."""
    envoy = server.envoy()
    return {
        "server": {"pid": server.pid, **memory_kib(server.pid)},
        "envoy": {"pid": envoy.pid, **memory_kib(envoy.pid)} if envoy else None,
    }
