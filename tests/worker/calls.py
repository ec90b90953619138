"""Calls registered for worker tests; workers load them with --import."""

from __future__ import annotations

import os
import time

from google.protobuf import wrappers_pb2
from rq import get_current_job

from server.errors import NotFoundError
from siibragrpc.v1 import atlases_pb2
from worker.calls import register
from worker.criticality import Criticality

ECHO_VOLUMES = "/test.Work/EchoVolumes"
ECHO_FEATURES = "/test.Work/EchoFeatures"
ECHO_CRITICAL = "/test.Work/EchoCritical"
SLEEP = "/test.Work/Sleep"
SLEEP_ONCE = "/test.Work/SleepOnce"
FAIL = "/test.Work/Fail"
CRASH = "/test.Work/Crash"
ORDER_KEY = "test:order"

String = wrappers_pb2.StringValue
Double = wrappers_pb2.DoubleValue


def _record(key: str, value: str) -> None:
    job = get_current_job()
    if job is not None:
        job.connection.rpush(key, value)


def _echo(request: String) -> String:
    _record(ORDER_KEY, request.value)
    return String(value=request.value)


for _method, _class in (
    (ECHO_VOLUMES, Criticality.VOLUMES),
    (ECHO_FEATURES, Criticality.FEATURES),
    (ECHO_CRITICAL, Criticality.CRITICAL),
):
    register(_method, String, _class, response_type=String)(_echo)


def _sleep(request: Double) -> String:
    """Sleeps; records which process started, so tests can kill it."""
    _record("test:started", str(os.getpid()))
    time.sleep(request.value)
    return String(value=str(os.getpid()))


register(SLEEP, Double, Criticality.VOLUMES, response_type=String)(_sleep)
register(
    SLEEP_ONCE, Double, Criticality.VOLUMES, idempotent=False, response_type=String
)(_sleep)


@register(FAIL, String, Criticality.FEATURES, response_type=String)
def _fail(request: String) -> String:
    raise NotFoundError("thing", request.value)


@register(CRASH, String, Criticality.FEATURES, response_type=String)
def _crash(request: String) -> String:
    raise ValueError("a bug in a handler")


COUNTED = "/test.Work/Counted"
UNCACHEABLE = "/test.Work/Uncacheable"
PARTIAL = "/test.Work/Partial"
executions: list[str] = []


def _counted(request: String) -> String:
    executions.append(request.value)
    return String(value=request.value.upper())


register(COUNTED, String, Criticality.FEATURES, response_type=String)(_counted)
register(
    UNCACHEABLE, String, Criticality.FEATURES, cacheable=False, response_type=String
)(_counted)
register(
    PARTIAL,
    String,
    Criticality.FEATURES,
    response_type=String,
    completeness=lambda response: not response.value.startswith("PARTIAL"),
)(_counted)


ATLAS_ECHO = "/test.Work/AtlasEcho"


@register(
    ATLAS_ECHO,
    atlases_pb2.GetAtlasRequest,
    Criticality.DOWNLOADS,
    response_type=atlases_pb2.Atlas,
)
def _atlas_echo(request: atlases_pb2.GetAtlasRequest) -> atlases_pb2.Atlas:
    return atlases_pb2.Atlas(id=request.atlas_id, name=f"echo of {request.atlas_id}")
