"""The metadata workload: realistic requests, timed over gRPC and over REST."""

from __future__ import annotations

import gc
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote, urlencode

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench.rest import RestClient
from bench.stats import summarize
from siibragrpc.v1 import (
    atlases_pb2,
    atlases_pb2_grpc,
    parcellations_pb2,
    parcellations_pb2_grpc,
    regions_pb2,
    regions_pb2_grpc,
    spaces_pb2,
    spaces_pb2_grpc,
)

_LOGGER = logging.getLogger(__name__)

JULICH_3_1 = "julich 3.1"
JULICH_3_1_ID = (
    "minds/core/parcellationatlas/v1.0.0/94c1125b-b87e-45e4-901c-00daee7f2579-310"
)
HOC1_LEFT = "Area hOc1 (V1, 17, CalcS) left"
GRPC = "grpc"
REST = "rest"
FLOOR = "Health/Check (floor)"
ENVOY_LOCAL = "Envoy-local 404"
# A path the transcoder cannot map, so Envoy answers it without the gRPC server:
# the cost of the HTTP hop alone.
ENVOY_LOCAL_PATH = "/v1/no-such-collection"
CALL_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Workload:
    """One realistic request, as a gRPC call and as its REST equivalent."""

    label: str
    method: str
    call: Callable[[], Any]
    rest_path: str


def _segment(value: str) -> str:
    """Percent-encodes an id for one path segment; ids may hold "/"."""
    return quote(value, safe="")


def _regions_path(parcellation: str, **query: object) -> str:
    return f"/v1/parcellations/{_segment(parcellation)}/regions?{urlencode(query)}"


def workloads(channel: grpc.Channel) -> list[Workload]:
    """The requests measured, each metadata method at least once."""
    atlases = atlases_pb2_grpc.AtlasServiceStub(channel)
    spaces = spaces_pb2_grpc.SpaceServiceStub(channel)
    parcellations = parcellations_pb2_grpc.ParcellationServiceStub(channel)
    regions = regions_pb2_grpc.RegionServiceStub(channel)

    def rpc(method: Callable[..., Any], request: Any) -> Callable[[], Any]:
        return partial(method, request, timeout=CALL_TIMEOUT_S)

    return [
        Workload(
            "ListAtlases",
            "ListAtlases",
            rpc(atlases.ListAtlases, atlases_pb2.ListAtlasesRequest()),
            "/v1/atlases",
        ),
        Workload(
            'GetAtlas "human"',
            "GetAtlas",
            rpc(atlases.GetAtlas, atlases_pb2.GetAtlasRequest(atlas_id="human")),
            "/v1/atlases/human",
        ),
        Workload(
            "ListSpaces",
            "ListSpaces",
            rpc(spaces.ListSpaces, spaces_pb2.ListSpacesRequest()),
            "/v1/spaces",
        ),
        Workload(
            'GetSpace "mni152"',
            "GetSpace",
            rpc(spaces.GetSpace, spaces_pb2.GetSpaceRequest(space_id="mni152")),
            "/v1/spaces/mni152",
        ),
        Workload(
            "ListParcellations",
            "ListParcellations",
            rpc(
                parcellations.ListParcellations,
                parcellations_pb2.ListParcellationsRequest(),
            ),
            "/v1/parcellations",
        ),
        Workload(
            "GetParcellation (full id)",
            "GetParcellation",
            rpc(
                parcellations.GetParcellation,
                parcellations_pb2.GetParcellationRequest(parcellation_id=JULICH_3_1_ID),
            ),
            f"/v1/parcellations/{_segment(JULICH_3_1_ID)}",
        ),
        Workload(
            "ListRegions julich 3.1, 50",
            "ListRegions",
            rpc(
                regions.ListRegions,
                regions_pb2.ListRegionsRequest(
                    parcellation_id=JULICH_3_1, page_size=50
                ),
            ),
            _regions_path(JULICH_3_1, page_size=50),
        ),
        Workload(
            'ListRegions "left"',
            "ListRegions",
            rpc(
                regions.ListRegions,
                regions_pb2.ListRegionsRequest(
                    parcellation_id=JULICH_3_1, name_filter="left"
                ),
            ),
            _regions_path(JULICH_3_1, name_filter="left"),
        ),
        Workload(
            "GetRegion hOc1 left",
            "GetRegion",
            rpc(
                regions.GetRegion,
                regions_pb2.GetRegionRequest(
                    parcellation_id=JULICH_3_1, region_id=HOC1_LEFT
                ),
            ),
            f"/v1/parcellations/{_segment(JULICH_3_1)}/regions/{_segment(HOC1_LEFT)}",
        ),
    ]


def floor_call(channel: grpc.Channel) -> Callable[[], Any]:
    """The emptiest call the server answers: a health Check."""
    health = health_pb2_grpc.HealthStub(channel)
    return partial(
        health.Check, health_pb2.HealthCheckRequest(), timeout=CALL_TIMEOUT_S
    )


def time_once(call: Callable[[], Any]) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1e3


def first_calls(channel: grpc.Channel) -> dict[str, float]:
    """Times the first call of each method, in milliseconds, in proto order."""
    timings: dict[str, float] = {}
    for workload in workloads(channel):
        if workload.method not in timings:
            timings[workload.method] = time_once(workload.call)
    return timings


def steady_state(
    channel: grpc.Channel, client: RestClient, calls: int, warmup: int
) -> dict[str, dict[str, dict[str, float]]]:
    """Times every request over gRPC and over REST, and the floor, ``calls``
    times each, sequentially: one call in flight at a time.

    The calls run in rounds of one of each request, shuffled, so that drift on
    a shared machine (another process waking, a garbage collection) hits every
    row alike and the ratios to the floor stay fair.

    Returns:
        Summaries in ms, with the response size in ``bytes``, per transport
        ("grpc", "rest") and label; the floor is in "grpc".
    """
    requests = _requests(channel, client)
    for _ in range(warmup):
        for call in requests.values():
            call()
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in requests}
    order = list(requests)
    shuffler = random.Random(0)
    # Collect now so a collection of the warm-up's garbage lands in no sample.
    gc.collect()
    for _ in range(calls):
        shuffler.shuffle(order)
        for key in order:
            samples[key].append(time_once(requests[key]))

    results: dict[str, dict[str, dict[str, float]]] = {GRPC: {}, REST: {}}
    for (transport, label), timings in samples.items():
        summary = summarize(timings)
        summary["bytes"] = _response_bytes(
            transport, requests[transport, label], client
        )
        results[transport][label] = summary
        _LOGGER.info("%s %s: p50 %.3fms", transport, label, summary["p50"])
    return results


def _requests(
    channel: grpc.Channel, client: RestClient
) -> dict[tuple[str, str], Callable[[], Any]]:
    requests: dict[tuple[str, str], Callable[[], Any]] = {
        (GRPC, FLOOR): floor_call(channel)
    }
    for workload in workloads(channel):
        requests[GRPC, workload.label] = workload.call
        requests[REST, workload.label] = partial(client.get, workload.rest_path)
    requests[REST, ENVOY_LOCAL] = partial(
        client.get, ENVOY_LOCAL_PATH, expect_status=404
    )
    return requests


def _response_bytes(transport: str, call: Callable[[], Any], client: RestClient) -> int:
    if transport == GRPC:
        return int(call().ByteSize())
    call()
    return client.last_body_bytes


def add_floor_ratios(results: dict[str, dict[str, float]], floor_p50_ms: float) -> None:
    """Adds each entry's median over the floor's median, as ``x_floor``."""
    for summary in results.values():
        summary["x_floor"] = summary["p50"] / floor_p50_ms
