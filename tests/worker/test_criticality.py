"""Every RPC has a criticality class; metadata is critical and never queued."""

from __future__ import annotations

from server.app import SERVICE_NAMES
from worker.calls import REGISTRY
from worker.criticality import QUEUE_ORDER, WEIGHTS, Criticality, criticality_of
from worker.queues import queue_name


def all_methods() -> list[str]:
    from google.protobuf import descriptor_pool

    pool = descriptor_pool.Default()
    return [
        f"/{name}/{method.name}"
        for name in SERVICE_NAMES
        for method in pool.FindServiceByName(name).methods
    ]


def test_metadata_methods_are_critical():
    services = ("AtlasService", "SpaceService", "ParcellationService", "RegionService")
    metadata = [m for m in all_methods() if m.split("/")[1].split(".")[-1] in services]

    assert len(metadata) == 8
    assert {criticality_of(m) for m in metadata} == {Criticality.CRITICAL}


def test_registered_calls_keep_their_declared_class():
    for method, call in REGISTRY.items():
        assert criticality_of(method) is call.criticality


def test_queues_are_taken_most_critical_first_with_falling_weights():
    assert QUEUE_ORDER[0] is Criticality.CRITICAL
    weights = [WEIGHTS[c] for c in QUEUE_ORDER]
    assert weights == sorted(weights, reverse=True)
    assert len({queue_name(c) for c in QUEUE_ORDER}) == len(QUEUE_ORDER)
