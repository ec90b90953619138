"""Point assignment speed and volume memory, against a local synthetic mirror.

Prints two sets of figures; asserts nothing:

1. Warm point assignment: siibra's own ``map.assign(point)`` against the
   service's AssignPoint over gRPC, for the same point in the same process
   (the service runs in this process, all-in-one, so both use one siibra
   and its caches). Median and 90th percentile of interleaved runs, for
   Julich-Brain 3.1's labelled and statistical maps in MNI152.
2. Resident memory (VmRSS, and the peak VmHWM) of real processes after a
   volume fetch: an all-in-one server, and the server and worker of
   server-worker mode (with a Redis of its own).

The data are the tests' synthetic volumes (tests/maps/mirror.py) at 1 mm,
the real MNI152 grid size, served on 127.0.0.1 and reached through the
mirror setting. Every cache is a fresh temporary folder, so that synthetic
files never land in a real siibra cache under real upstream URLs.

Usage: .venv/bin/python tools/bench_assignment.py [--runs 40] [--resolution 1]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gzip
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import grpc  # noqa: E402
import nibabel as nib  # noqa: E402
import numpy as np  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from redis import Redis  # noqa: E402

from catalog import snapshot  # noqa: E402
from server.app import Service  # noqa: E402
from server.config import (  # noqa: E402
    ALL_IN_ONE,
    SERVER_WORKER,
    QueueSettings,
    Settings,
)
from server.envoy_proxy import free_port  # noqa: E402
from server.local_redis import LocalRedis  # noqa: E402
from siibragrpc.v1 import maps_pb2, maps_pb2_grpc  # noqa: E402
from tests.maps.mirror import (  # noqa: E402
    JULICH_3_1_LABELLED,
    JULICH_3_1_STATISTICAL,
    MirrorServer,
    SyntheticData,
)
from upstream.mirrors import parse_mirrors  # noqa: E402
from upstream.scope import fetch_scope  # noqa: E402
from worker import runtime  # noqa: E402

POINT = (-12.0, -88.0, 4.0)  # in hOc1 left of the synthetic maps
VOLUMES = (
    maps_pb2.GetVolumeRequest(map_id=JULICH_3_1_LABELLED),  # both hemispheres
    maps_pb2.GetVolumeRequest(space_id="mni152"),
    maps_pb2.GetVolumeRequest(map_id=JULICH_3_1_STATISTICAL, region_id="hOc1 left"),
)


def fresh_cache(base: Path, name: str, cached_from: Path, version: str) -> Path:
    """A new cache folder with only the metadata snapshot, if one was built."""
    folder = base / name
    folder.mkdir()
    source = snapshot.snapshot_path(cached_from, version)
    if source.exists():
        shutil.copy(source, snapshot.snapshot_path(folder, version))
    return folder


class LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Any, timeout: float = 120) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def time_once(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1e3


def bench_assignment(settings: Settings, runs: int) -> None:
    loops = LoopThread()
    service = Service(settings)
    loops.run(service.start())
    loops.run(service.wait_until_serving(120))
    try:
        with grpc.insecure_channel(f"127.0.0.1:{service.port}") as channel:
            stub = maps_pb2_grpc.MapServiceStub(channel)
            print(f"\nwarm point assignment at {POINT}, {runs} interleaved runs each")
            print(f"{'map':<44}{'siibra p50/p90':>18}{'gRPC p50/p90':>18}{'ratio':>8}")
            for map_id in (JULICH_3_1_LABELLED, JULICH_3_1_STATISTICAL):
                compare(stub, map_id, runs, settings)
    finally:
        loops.run(service.stop())
        loops.close()


def compare(stub: Any, map_id: str, runs: int, settings: Settings) -> None:
    request = maps_pb2.AssignPointRequest(
        map_id=map_id,
        coordinates=maps_pb2.Coordinates(x=POINT[0], y=POINT[1], z=POINT[2]),
    )
    for _ in range(3):  # loads siibra, fetches and caches the map's data
        stub.AssignPoint(request, timeout=120)
    siibra = runtime.siibra()
    siibra_map = next(m for m in siibra.maps if m.id == map_id)

    def direct() -> Any:
        with fetch_scope(settings.upstream_policy):
            return siibra_map.assign(siibra.Point(POINT, space=siibra_map.space))

    for _ in range(3):
        direct()
    own, served = [], []
    for _ in range(runs):
        own.append(time_once(direct))
        served.append(time_once(lambda: stub.AssignPoint(request, timeout=60)))
    own_p50, own_p90 = percentiles(own)
    grpc_p50, grpc_p90 = percentiles(served)
    print(
        f"{map_id:<44}{own_p50:>8.2f}/{own_p90:<6.2f}ms"
        f"{grpc_p50:>9.2f}/{grpc_p90:<6.2f}ms{grpc_p50 / own_p50:>7.2f}x"
    )


def rss_mb(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


@contextmanager
def process(
    argv: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Runs a child with its output in ``log``; stops it at the end."""
    with log.open("ab") as out:
        child = subprocess.Popen(
            argv, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out
        )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def wait_serving(port: int, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                answer = health.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if answer.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.1)
    raise TimeoutError(f"no server SERVING on {port}")


def fetch_volumes(port: int) -> str:
    """Fetches every volume; describes their sizes, decoded and as sent."""
    sent = decoded = 0
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = maps_pb2_grpc.MapServiceStub(channel)
        for request in VOLUMES:
            data = stub.GetVolume(request, timeout=300).data
            image = nib.Nifti1Image.from_bytes(gzip.decompress(data))
            sent += len(data)
            decoded += image.dataobj.dtype.itemsize * int(np.prod(image.shape))
    return f"{decoded / 1e6:.0f} MB of voxels ({sent / 1e6:.1f} MB sent)"


def print_rss(label: str, pid: int) -> None:
    rss, peak = rss_mb(pid)
    print(f"{label:<58}{rss:>8.0f} MB{peak:>10.0f} MB")


def bench_memory(env: dict[str, str], caches: Callable[[str], Path], log: Path) -> None:
    print(
        "\nresident memory after GetVolume of: the labelled map (both "
        "hemispheres), the MNI152 template, a region's statistical map"
    )
    print(f"{'process':<58}{'VmRSS':>11}{'peak':>13}")
    port = free_port()
    server = [sys.executable, "-m", "server.main", "--grpc-port", str(port)]
    all_in_one = {**env, "SIIBRA_GRPC_CACHE_DIR": str(caches("all-in-one"))}
    with process(server, {**all_in_one, "SIIBRA_GRPC_MODE": ALL_IN_ONE}, log) as child:
        wait_serving(port)
        print_rss("all-in-one server, SERVING", child.pid)
        fetched = fetch_volumes(port)
        print(f"  volumes: {fetched}")
        print_rss("all-in-one server, after the volumes", child.pid)

    redis = LocalRedis()
    redis.start()
    try:
        queued = {
            **env,
            "SIIBRA_GRPC_MODE": SERVER_WORKER,
            "SIIBRA_GRPC_REDIS_URL": redis.url,
            "SIIBRA_GRPC_CACHE_DIR": str(caches("server-worker")),
        }
        port = free_port()
        server = [sys.executable, "-m", "server.main", "--grpc-port", str(port)]
        worker = [sys.executable, "-m", "worker.main"]
        with (
            process(server, queued, log) as server_child,
            process(worker, queued, log) as child,
        ):
            wait_serving(port)
            wait_for_worker(redis.url)
            print_rss("server-worker: server, SERVING", server_child.pid)
            print_rss("server-worker: worker, ready (siibra imported)", child.pid)
            fetch_volumes(port)
            print_rss("server-worker: server, after the volumes", server_child.pid)
            print_rss("server-worker: worker, after the volumes", child.pid)
    finally:
        redis.close()


def wait_for_worker(redis_url: str, timeout_s: float = 60) -> None:
    client = Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            if client.keys("siibra-grpc:alive:*"):
                return
            time.sleep(0.1)
    finally:
        client.close()
    raise TimeoutError("no worker came up")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--resolution", type=float, default=1.0, help="voxel size, mm")
    args = parser.parse_args()

    base = Settings.from_env()
    if base.configuration is None:
        print("no siibra configuration: set SIIBRA_GRPC_CONFIGURATION")
        return 1
    version = snapshot.data_version(base.configuration)
    work = Path(tempfile.mkdtemp(prefix="siibra-grpc-bench-"))
    try:
        started = time.perf_counter()
        data = SyntheticData(
            work / "files", base.configuration, args.resolution, ng_chunk=64
        ).build()
        mirror = MirrorServer(data.root).start()
        mirrors = mirror.mirrors(data.hosts())
        print(
            f"synthetic data at {args.resolution:g} mm, built in "
            f"{time.perf_counter() - started:.1f}s, served on {mirror.base_url}"
        )
        settings = dataclasses.replace(
            base,
            grpc_port=0,
            rest_port=0,
            cache_dir=fresh_cache(work, "in-process", base.cache_dir, version),
            queue=QueueSettings(),
            upstream_mirrors=parse_mirrors(mirrors),
            log_level="WARNING",
        )
        bench_assignment(settings, args.runs)
        # The first process builds the snapshot if none was cached; share it.
        env = {
            "SIIBRA_GRPC_CONFIGURATION": str(base.configuration),
            "SIIBRA_GRPC_UPSTREAM_MIRRORS": mirrors,
            "SIIBRA_GRPC_LOG_LEVEL": "WARNING",
        }
        log = work / "processes.log"
        try:
            bench_memory(
                env,
                lambda name: fresh_cache(work, name, settings.cache_dir, version),
                log,
            )
        except Exception:
            print(log.read_text(errors="replace")[-3000:] if log.exists() else "")
            raise
        finally:
            mirror.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
