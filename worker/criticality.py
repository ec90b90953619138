"""How critical each call is to users, and so which queue runs it.

One table for every RPC. Critical metadata is answered by the server itself
from its in-memory index (no queue); everything else runs on a worker queue,
and workers take their queues in the order of :data:`QUEUE_ORDER`.
"""

from __future__ import annotations

from enum import StrEnum


class Criticality(StrEnum):
    """Classes of calls, most critical first."""

    CRITICAL = "critical"  # metadata an atlas viewer needs to start
    FEATURES = "features"  # feature listings and tables
    VOLUMES = "volumes"  # map assignment, volume data
    DOWNLOADS = "downloads"  # long-running operations


# Workers listen on these queues in this order: a free worker always takes
# the most critical waiting job first.
QUEUE_ORDER: tuple[Criticality, ...] = tuple(Criticality)

# Weights for the weighted-throughput score: how much a user feels a slow call.
WEIGHTS: dict[Criticality, float] = {
    Criticality.CRITICAL: 8.0,
    Criticality.FEATURES: 4.0,
    Criticality.VOLUMES: 2.0,
    Criticality.DOWNLOADS: 1.0,
}

_METADATA_SERVICES = (
    "siibragrpc.v1.AtlasService",
    "siibragrpc.v1.SpaceService",
    "siibragrpc.v1.ParcellationService",
    "siibragrpc.v1.RegionService",
    # Map listings and gene search come from memory; the map calls that do
    # real work are registered worker calls, found before this list.
    "siibragrpc.v1.MapService",
    "siibragrpc.v1.GeneService",
)


def criticality_of(method: str) -> Criticality:
    """The class of a full gRPC method name, e.g. "/pkg.Service/Method".

    Calls registered for workers declare their own class; every metadata
    service is critical; anything else defaults to the least critical class.
    """
    from worker.calls import REGISTRY

    if method in REGISTRY:
        return REGISTRY[method].criticality
    service = method.strip("/").split("/")[0]
    if service in _METADATA_SERVICES or service.startswith("grpc."):
        return Criticality.CRITICAL
    return Criticality.DOWNLOADS
