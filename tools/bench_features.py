"""Feature listing speed: cold and warm, and what warm-up costs metadata calls.

Prints three sets of figures; asserts nothing:

1. In fresh processes (no server): siibra's own first listing of a region's
   receptor fingerprints (``siibra.features.get``), the service's engine
   doing the same cold, and the engine's warm-up and first listing after it.
2. A real all-in-one server (``python -m server.main``, its own process):
   metadata latency (GetRegion over gRPC, back to back) while the server
   warms its features in the background after SERVING, and after; and how
   long after SERVING the features are warm (FeatureService's health).
3. Listings over gRPC once FeatureService reports SERVING: the first
   listing of a region (a concept no call asked about before) and repeated
   ones.

Usage: .venv/bin/python tools/bench_features.py [--runs 200]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import grpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402

from bench.process import ServerProcess  # noqa: E402
from bench.stats import summarize  # noqa: E402
from catalog import snapshot  # noqa: E402
from server.config import DEFAULT_CACHE_DIR, Settings  # noqa: E402
from siibragrpc.v1 import (  # noqa: E402
    features_pb2,
    features_pb2_grpc,
    regions_pb2,
    regions_pb2_grpc,
)

JULICH_3_1 = (
    "minds/core/parcellationatlas/v1.0.0/94c1125b-b87e-45e4-901c-00daee7f2579-310"
)
FINGERPRINT = "ReceptorDensityFingerprint"
FIRST_REGION = "Area hOc1 (V1, 17, CalcS) left"
OTHER_REGION = "Area 44 (IFG) left"
FEATURE_SERVICE = "siibragrpc.v1.FeatureService"
# A metadata call is said to suffer when its p99 grows by more than this.
SUFFERS_ABOVE = 2.0

_FRESH_PROCESS = """
import json, time
from pathlib import Path
t0 = time.perf_counter()
from upstream.http import UpstreamPolicy, UpstreamTimeouts
from upstream.loader import load_siibra
from upstream.scope import fetch_scope
siibra = load_siibra(Path({configuration!r}), Path({cache!r}), UpstreamTimeouts())
imported = time.perf_counter() - t0
figures = {{"import_s": imported}}
region = siibra.get_region({parcellation!r}, {region!r})
if {mode!r} == "siibra":
    t = time.perf_counter()
    found = siibra.features.get(region, {feature_type!r})
    figures["first_s"] = time.perf_counter() - t
    figures["count"] = len(found)
else:
    from worker.features.engine import FeatureEngine
    from worker.features.ids import ConceptSpec
    engine = FeatureEngine(siibra)
    if {mode!r} == "warm":
        t = time.perf_counter()
        engine.warm()
        figures["warm_s"] = time.perf_counter() - t
    spec = ConceptSpec("region", parcellation_id={parcellation!r}, region={region!r})
    with fetch_scope(UpstreamPolicy()):
        t = time.perf_counter()
        listing = engine.list_features(spec, [{feature_type!r}])
        figures["first_s"] = time.perf_counter() - t
        t = time.perf_counter()
        engine.list_features(spec, [{feature_type!r}])
        figures["again_s"] = time.perf_counter() - t
    figures["count"] = len(listing.entries)
print(json.dumps(figures))
"""


def fresh_process(mode: str, configuration: Path, cache: Path) -> dict[str, Any]:
    """Timings of one listing in a new Python process ("siibra", "cold", "warm")."""
    script = _FRESH_PROCESS.format(
        configuration=str(configuration),
        cache=str(cache),
        parcellation=JULICH_3_1,
        region=FIRST_REGION,
        feature_type=FINGERPRINT,
        mode=mode,
    )
    output = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def is_serving(channel: grpc.Channel, service: str = "") -> bool:
    health = health_pb2_grpc.HealthStub(channel)
    try:
        request = health_pb2.HealthCheckRequest(service=service)
        status = health.Check(request, timeout=1).status
    except grpc.RpcError:
        return False
    return status == health_pb2.HealthCheckResponse.SERVING


def wait_serving(
    channel: grpc.Channel, server: ServerProcess, timeout_s: float
) -> float:
    """Polls health until SERVING; returns the time it was first seen."""
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        server.check_running()
        if is_serving(channel):
            return time.perf_counter()
        time.sleep(0.01)
    raise TimeoutError("the server did not report SERVING")


def metadata_call(regions: regions_pb2_grpc.RegionServiceStub) -> float:
    started = time.perf_counter()
    regions.GetRegion(
        regions_pb2.GetRegionRequest(
            parcellation_id="julich 3.1", region_id="hOc1 left"
        ),
        timeout=10,
    )
    return (time.perf_counter() - started) * 1e3


def listing_call(features: features_pb2_grpc.FeatureServiceStub, region: str) -> float:
    started = time.perf_counter()
    features.ListFeatures(
        features_pb2.ListFeaturesRequest(
            parcellation_id="julich 3.1", region_id=region, types=[FINGERPRINT]
        ),
        timeout=120,
    )
    return (time.perf_counter() - started) * 1e3


def server_figures(cache_dir: Path, runs: int) -> dict[str, Any]:
    server = ServerProcess(cache_dir, cache_dir / "server.log")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{server.grpc_port}") as channel:
            serving_at = wait_serving(channel, server, 120)
            regions = regions_pb2_grpc.RegionServiceStub(channel)
            features = features_pb2_grpc.FeatureServiceStub(channel)
            during: list[float] = []
            # FeatureService reports SERVING once the features are warm.
            while not is_serving(channel, FEATURE_SERVICE):
                during.extend(metadata_call(regions) for _ in range(10))
            warm_at = time.perf_counter()
            after = [metadata_call(regions) for _ in range(max(runs, len(during)))]
            first = listing_call(features, FIRST_REGION)
            repeated = [listing_call(features, FIRST_REGION) for _ in range(runs)]
            other_first = listing_call(features, OTHER_REGION)
    finally:
        server.stop()
    return {
        "serving_s": serving_at - server.spawned_at,
        "warm_after_serving_s": warm_at - serving_at,
        "metadata_during_warmup_ms": summarize(during),
        "metadata_after_warmup_ms": summarize(after),
        "first_listing_ms": first,
        "first_listing_other_region_ms": other_first,
        "repeated_listing_ms": summarize(repeated),
    }


def _copy_snapshot(configuration: Path, cache_dir: Path) -> None:
    """Reuses the default cache's snapshot, if any: starts measure warm-up,
    not the one-off snapshot build."""
    version = snapshot.data_version(configuration)
    source = snapshot.snapshot_path(DEFAULT_CACHE_DIR, version)
    if source.exists():
        shutil.copy(source, snapshot.snapshot_path(cache_dir, version))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="repeated calls")
    args = parser.parse_args()
    configuration = Settings.from_env().configuration
    if configuration is None:
        print("needs a local configuration (SIIBRA_GRPC_CONFIGURATION)")
        return 2

    with tempfile.TemporaryDirectory(prefix="bench-features-") as tmp:
        work = Path(tmp)
        print("1. fresh processes: first listing of", FIRST_REGION, FINGERPRINT)
        for mode, label in (
            ("siibra", "siibra.features.get, cold"),
            ("cold", "service engine, cold"),
            ("warm", "service engine, after warm-up"),
        ):
            figures = fresh_process(mode, configuration, work / f"siibra-{mode}")
            line = (
                f"   {label:32s} first {figures['first_s'] * 1e3:8.1f} ms"
                f"  (siibra import {figures['import_s']:.2f} s"
            )
            if "warm_s" in figures:
                line += f", warm-up {figures['warm_s']:.2f} s"
            if "again_s" in figures:
                line += f", again {figures['again_s'] * 1e3:.2f} ms"
            print(line + f"; {figures['count']} found)")

        cache_dir = work / "server"
        cache_dir.mkdir()
        _copy_snapshot(configuration, cache_dir)
        os.environ.setdefault("SIIBRA_GRPC_LOG_LEVEL", "INFO")
        figures = server_figures(cache_dir, args.runs)

    during = figures["metadata_during_warmup_ms"]
    after = figures["metadata_after_warmup_ms"]
    print("2. all-in-one server (its own process), GetRegion over gRPC")
    print(f"   SERVING {figures['serving_s']:.2f} s after spawn;")
    print(f"   features warm {figures['warm_after_serving_s']:.2f} s after SERVING")
    for label, stats in (("during warm-up", during), ("after warm-up", after)):
        print(
            f"   metadata {label:15s} p50 {stats['p50']:6.2f} ms  p95 "
            f"{stats['p95']:6.2f} ms  p99 {stats['p99']:6.2f} ms  max "
            f"{stats['max']:7.2f} ms  (n={stats['n']})"
        )
    suffers = during["p99"] > SUFFERS_ABOVE * after["p99"]
    print(
        f"   metadata latency suffers during warm-up: {'yes' if suffers else 'no'} "
        f"(p99 x{during['p99'] / after['p99']:.1f}, p50 x"
        f"{during['p50'] / after['p50']:.1f})"
    )
    repeated = figures["repeated_listing_ms"]
    print("3. ListFeatures over gRPC after warm-up (receptor fingerprints)")
    print(f"   first, {FIRST_REGION}: {figures['first_listing_ms']:.1f} ms")
    print(
        f"   first, {OTHER_REGION}: {figures['first_listing_other_region_ms']:.1f} ms"
    )
    print(
        f"   repeated: p50 {repeated['p50']:.2f} ms  p95 {repeated['p95']:.2f} ms  "
        f"p99 {repeated['p99']:.2f} ms  (n={repeated['n']}; target 5 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
