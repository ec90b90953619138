"""The weighted workload: which calls, how often, and how to make each one
over gRPC and over REST.

Every call names its gRPC method; its class, and so its weight, comes from
:func:`worker.criticality.criticality_of`, the table the service itself
queues by. REST requests are templates filled with the call's parameters, so the same
workload can be replayed against another atlas API with a file of other
templates (see :mod:`bench.rest_paths`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
from google.longrunning import operations_pb2_grpc as lro_grpc
from google.longrunning import operations_proto_pb2 as lro_pb2
from google.protobuf import any_pb2, duration_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

import worker.handlers  # noqa: F401  (registers the worker calls: their classes)
from bench.rest_paths import FLOOR_LABEL, RestRequest
from siibragrpc.v1 import (
    atlases_pb2,
    atlases_pb2_grpc,
    features_pb2,
    features_pb2_grpc,
    maps_pb2,
    maps_pb2_grpc,
    operations_pb2,
    operations_pb2_grpc,
    parcellations_pb2,
    parcellations_pb2_grpc,
    regions_pb2,
    regions_pb2_grpc,
    spaces_pb2,
    spaces_pb2_grpc,
)
from worker.criticality import WEIGHTS, Criticality, criticality_of

JULICH_3_1 = "julich 3.1"
JULICH_3_1_ID = (
    "minds/core/parcellationatlas/v1.0.0/94c1125b-b87e-45e4-901c-00daee7f2579-310"
)
# The maps of the synthetic mirror (tests/maps/mirror.py).
LABELLED_MAP = "siibra-map-v0.0.1_mni152-jba31-labelled"
STATISTICAL_MAP = "siibra-map-v0.0.1_mni152-jba31_207-continuous"
REGIONS = (
    "Area hOc1 (V1, 17, CalcS) left",
    "hOc1 right",
    "Area 44 (IFG) left",
    "Area 45 (IFG) right",
    "hOc2 left",
)
GENE_PREFIXES = ("GABRA", "GRI", "CHRM", "HTR", "SLC6")
# Points are drawn around the centre of hOc1 left, where the synthetic
# labelled map has a label, so that assignments find a region.
POINT_CENTRE_MM = (-12.0, -88.0, 4.0)
POINT_JITTER_MM = 6.0
# An uncertain point (three voxels of the 4 mm synthetic grid, the least
# siibra honours) makes AssignPoint compare a Gaussian with every region's
# mask: seconds of CPU on a worker, the expensive call of the saturation
# scenario.
SATURATING_SIGMA_MM = 12.0
SATURATING_LABEL = "AssignPoint uncertain"
GET_VOLUME = "/siibragrpc.v1.MapService/GetVolume"


class CallFailedError(RuntimeError):
    """A call ended without an answer; ``code`` says how (a status name)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


@dataclass
class Stubs:
    """Every stub the workload uses, on one channel."""

    atlases: atlases_pb2_grpc.AtlasServiceStub
    spaces: spaces_pb2_grpc.SpaceServiceStub
    parcellations: parcellations_pb2_grpc.ParcellationServiceStub
    regions: regions_pb2_grpc.RegionServiceStub
    maps: maps_pb2_grpc.MapServiceStub
    features: features_pb2_grpc.FeatureServiceStub
    genes: features_pb2_grpc.GeneServiceStub
    operations: operations_pb2_grpc.OperationServiceStub
    lro: lro_grpc.OperationsStub
    health: health_pb2_grpc.HealthStub

    @classmethod
    def on(cls, channel: grpc.Channel) -> Stubs:
        return cls(
            atlases_pb2_grpc.AtlasServiceStub(channel),
            spaces_pb2_grpc.SpaceServiceStub(channel),
            parcellations_pb2_grpc.ParcellationServiceStub(channel),
            regions_pb2_grpc.RegionServiceStub(channel),
            maps_pb2_grpc.MapServiceStub(channel),
            features_pb2_grpc.FeatureServiceStub(channel),
            features_pb2_grpc.GeneServiceStub(channel),
            operations_pb2_grpc.OperationServiceStub(channel),
            lro_grpc.OperationsStub(channel),
            health_pb2_grpc.HealthStub(channel),
        )


GrpcInvoke = Callable[[Stubs, dict[str, Any], float], Any]


@dataclass(frozen=True)
class MixCall:
    """One kind of call in the mix.

    Attributes:
        label: Its name in tables and in REST path files.
        method: The full gRPC method, which gives its class.
        share: How often it is drawn, relative to the other calls.
        params: Draws its parameters, e.g. a point.
        grpc: Makes it with a deadline in seconds.
        rest: Its REST request; None leaves it out of the REST mix.
    """

    label: str
    method: str
    share: float
    params: Callable[[random.Random], dict[str, Any]]
    grpc: GrpcInvoke
    rest: RestRequest | None

    @property
    def criticality(self) -> Criticality:
        return criticality_of(self.method)

    @property
    def weight(self) -> float:
        return WEIGHTS[self.criticality]


def _fixed(**params: Any) -> Callable[[random.Random], dict[str, Any]]:
    return lambda _rng: dict(params)


def point_params(rng: random.Random) -> dict[str, Any]:
    x, y, z = (
        round(c + rng.uniform(-1, 1) * POINT_JITTER_MM, 3) for c in POINT_CENTRE_MM
    )
    return {"map": LABELLED_MAP, "x": x, "y": y, "z": z}


def _region(rng: random.Random) -> dict[str, Any]:
    return {"parcellation": JULICH_3_1, "region": rng.choice(REGIONS)}


def assign_request(p: dict[str, Any], sigma: float) -> maps_pb2.AssignPointRequest:
    point = maps_pb2.Coordinates(x=p["x"], y=p["y"], z=p["z"])
    return maps_pb2.AssignPointRequest(
        map_id=p["map"], coordinates=point, sigma_mm=sigma
    )


def _assign(stubs: Stubs, p: dict[str, Any], timeout: float, sigma: float) -> Any:
    return stubs.maps.AssignPoint(assign_request(p, sigma), timeout=timeout)


def _operation(stubs: Stubs, p: dict[str, Any], timeout: float) -> Any:
    """Starts GetVolume of a template as an operation and waits for it.

    Raises:
        CallFailedError: the operation failed or outlived the deadline.
    """
    packed = any_pb2.Any()
    packed.Pack(maps_pb2.GetVolumeRequest(space_id=p["space"]))
    start = operations_pb2.StartOperationRequest(
        method=GET_VOLUME, request=packed, timeout_seconds=int(timeout)
    )
    operation = stubs.operations.StartOperation(start, timeout=timeout)
    wait = lro_pb2.WaitOperationRequest(
        name=operation.name, timeout=duration_pb2.Duration(seconds=int(timeout))
    )
    if not operation.done:
        operation = stubs.lro.WaitOperation(wait, timeout=timeout)
    if not operation.done:
        raise CallFailedError("DEADLINE_EXCEEDED", "operation still running")
    if operation.HasField("error"):
        raise CallFailedError(f"OPERATION_ERROR_{operation.error.code}")
    return operation


_OPERATION_BODY = (
    '{"method": "' + GET_VOLUME + '", "timeoutSeconds": 30, "request": '
    '{"@type": "type.googleapis.com/siibragrpc.v1.GetVolumeRequest", '
    '"spaceId": $space}}'
)
_REGION_PATH = "/v1/parcellations/$parcellation/regions/$region"


def default_mix() -> list[MixCall]:
    """The calls, about 70% critical metadata by share, as an atlas viewer
    that opens regions, lists features, clicks points and fetches data."""
    r, p = regions_pb2, parcellations_pb2
    return [
        MixCall(
            "GetRegion",
            "/siibragrpc.v1.RegionService/GetRegion",
            20,
            _region,
            lambda s, q, t: s.regions.GetRegion(
                r.GetRegionRequest(
                    parcellation_id=q["parcellation"], region_id=q["region"]
                ),
                timeout=t,
            ),
            RestRequest("GET", _REGION_PATH),
        ),
        MixCall(
            "ListRegions",
            "/siibragrpc.v1.RegionService/ListRegions",
            10,
            _fixed(parcellation=JULICH_3_1, page_size=50),
            lambda s, q, t: s.regions.ListRegions(
                r.ListRegionsRequest(
                    parcellation_id=q["parcellation"], page_size=q["page_size"]
                ),
                timeout=t,
            ),
            RestRequest(
                "GET", "/v1/parcellations/$parcellation/regions?pageSize=$page_size"
            ),
        ),
        MixCall(
            "GetParcellation",
            "/siibragrpc.v1.ParcellationService/GetParcellation",
            8,
            _fixed(parcellation=JULICH_3_1_ID),
            lambda s, q, t: s.parcellations.GetParcellation(
                p.GetParcellationRequest(parcellation_id=q["parcellation"]), timeout=t
            ),
            RestRequest("GET", "/v1/parcellations/$parcellation"),
        ),
        MixCall(
            "GetAtlas",
            "/siibragrpc.v1.AtlasService/GetAtlas",
            5,
            _fixed(atlas="human"),
            lambda s, q, t: s.atlases.GetAtlas(
                atlases_pb2.GetAtlasRequest(atlas_id=q["atlas"]), timeout=t
            ),
            RestRequest("GET", "/v1/atlases/$atlas"),
        ),
        MixCall(
            "ListSpaces",
            "/siibragrpc.v1.SpaceService/ListSpaces",
            5,
            _fixed(),
            lambda s, q, t: s.spaces.ListSpaces(
                spaces_pb2.ListSpacesRequest(), timeout=t
            ),
            RestRequest("GET", "/v1/spaces"),
        ),
        MixCall(
            "ListMaps",
            "/siibragrpc.v1.MapService/ListMaps",
            5,
            _fixed(parcellation=JULICH_3_1, space="mni152"),
            lambda s, q, t: s.maps.ListMaps(
                maps_pb2.ListMapsRequest(
                    parcellation_id=q["parcellation"], space_id=q["space"]
                ),
                timeout=t,
            ),
            RestRequest("GET", "/v1/maps?parcellationId=$parcellation&spaceId=$space"),
        ),
        MixCall(
            "ListGenes",
            "/siibragrpc.v1.GeneService/ListGenes",
            5,
            lambda rng: {"prefix": rng.choice(GENE_PREFIXES)},
            lambda s, q, t: s.genes.ListGenes(
                features_pb2.ListGenesRequest(prefix=q["prefix"]), timeout=t
            ),
            RestRequest("GET", "/v1/genes?prefix=$prefix"),
        ),
        MixCall(
            "ListFeatureTypes",
            "/siibragrpc.v1.FeatureService/ListFeatureTypes",
            4,
            _fixed(),
            lambda s, q, t: s.features.ListFeatureTypes(
                features_pb2.ListFeatureTypesRequest(), timeout=t
            ),
            RestRequest("GET", "/v1/featureTypes"),
        ),
        MixCall(
            "ListFeatures",
            "/siibragrpc.v1.FeatureService/ListFeatures",
            8,
            _fixed(
                parcellation=JULICH_3_1,
                region="hOc1 left",
                type="ReceptorDensityFingerprint",
            ),
            lambda s, q, t: s.features.ListFeatures(
                features_pb2.ListFeaturesRequest(
                    parcellation_id=q["parcellation"],
                    region_id=q["region"],
                    types=[q["type"]],
                ),
                timeout=t,
            ),
            RestRequest("GET", _REGION_PATH + "/features?types=$type"),
        ),
        MixCall(
            "AssignPoint",
            "/siibragrpc.v1.MapService/AssignPoint",
            6,
            point_params,
            lambda s, q, t: _assign(s, q, t, sigma=0.0),
            RestRequest(
                "POST",
                "/v1/maps/$map:assignPoint",
                '{"coordinates": {"x": $x, "y": $y, "z": $z}}',
            ),
        ),
        MixCall(
            "GetRegionSpatialProperties",
            "/siibragrpc.v1.MapService/GetRegionSpatialProperties",
            2,
            _fixed(parcellation=JULICH_3_1, region="hOc1 left", space="mni152"),
            lambda s, q, t: s.maps.GetRegionSpatialProperties(
                maps_pb2.GetRegionSpatialPropertiesRequest(
                    parcellation_id=q["parcellation"],
                    region_id=q["region"],
                    space_id=q["space"],
                ),
                timeout=t,
            ),
            RestRequest("GET", _REGION_PATH + "/spatialProperties?spaceId=$space"),
        ),
        MixCall(
            "GetVolume",
            GET_VOLUME,
            2,
            _fixed(map=STATISTICAL_MAP, region="hOc1 left"),
            lambda s, q, t: s.maps.GetVolume(
                maps_pb2.GetVolumeRequest(map_id=q["map"], region_id=q["region"]),
                timeout=t,
            ),
            RestRequest("GET", "/v1/maps/$map/volume?regionId=$region"),
        ),
        MixCall(
            "Operation GetVolume",
            "/siibragrpc.v1.OperationService/StartOperation",
            1,
            _fixed(space="mni152"),
            _operation,
            RestRequest(
                "POST", "/v1/operations:start", _OPERATION_BODY, poll="/v1/$name"
            ),
        ),
    ]


def saturating_call() -> MixCall:
    """AssignPoint of an uncertain point: the expensive call that keeps the
    workers busy. Every point differs, so no answer comes from the cache."""
    return MixCall(
        SATURATING_LABEL,
        "/siibragrpc.v1.MapService/AssignPoint",
        1,
        point_params,
        lambda s, q, t: _assign(s, q, t, sigma=SATURATING_SIGMA_MM),
        None,
    )


def floor_rest() -> RestRequest:
    """A path Envoy answers itself (404), without the gRPC server: the cost
    of the HTTP hop alone."""
    return RestRequest("GET", "/v1/no-such-collection", expect=404)


def floor_call() -> MixCall:
    """The cheapest call of the stack: a gRPC health Check, and over REST a
    reply from Envoy alone."""
    return MixCall(
        FLOOR_LABEL,
        "/grpc.health.v1.Health/Check",
        1,
        _fixed(),
        lambda s, q, t: s.health.Check(health_pb2.HealthCheckRequest(), timeout=t),
        floor_rest(),
    )


def critical_calls(mix: list[MixCall]) -> list[MixCall]:
    return [call for call in mix if call.criticality == Criticality.CRITICAL]
