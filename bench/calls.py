"""Calls the benchmarks register on workers (loaded with ``--import bench.calls``)."""

from __future__ import annotations

import time

from google.protobuf import wrappers_pb2

from worker.calls import register
from worker.criticality import Criticality

ECHO_CRITICAL = "/bench.Work/EchoCritical"
ECHO_VOLUMES = "/bench.Work/EchoVolumes"
BUSY = "/bench.Work/Busy"

String = wrappers_pb2.StringValue
Double = wrappers_pb2.DoubleValue


def _echo(request: String) -> String:
    return request


register(ECHO_CRITICAL, String, Criticality.CRITICAL, response_type=String)(_echo)
register(
    ECHO_VOLUMES, String, Criticality.VOLUMES, cacheable=False, response_type=String
)(_echo)


@register(BUSY, Double, Criticality.VOLUMES, cacheable=False, response_type=Double)
def _busy(request: Double) -> Double:
    """Holds a CPU for ``request.value`` seconds, like an expensive call."""
    deadline = time.perf_counter() + request.value
    while time.perf_counter() < deadline:
        pass
    return request
