"""Health reporting, reflection and shutdown of a real server."""

from __future__ import annotations

import dataclasses

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from server.app import SERVICE_NAMES, Service
from siibragrpc.v1 import atlases_pb2, atlases_pb2_grpc

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def check(channel: grpc.Channel, service: str = "") -> int:
    stub = health_pb2_grpc.HealthStub(channel)
    return stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status


def test_serving_once_loaded(channel):
    assert check(channel) == SERVING
    for name in SERVICE_NAMES:
        assert check(channel, name) == SERVING


def test_reflection_lists_every_service(channel):
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")

    response = next(iter(stub.ServerReflectionInfo(iter([request]), timeout=5)))

    listed = {s.name for s in response.list_services_response.service}
    assert {*SERVICE_NAMES, "grpc.health.v1.Health"} <= listed


@pytest.fixture
def loading_service(loop_thread, settings, tmp_path):
    # A fresh cache: the snapshot must be built, so loading takes seconds.
    service = Service(dataclasses.replace(settings, cache_dir=tmp_path))
    loop_thread.run(service.start())
    yield service
    loop_thread.run(service.stop())


def test_not_serving_and_unavailable_while_loading(loading_service):
    with grpc.insecure_channel(f"127.0.0.1:{loading_service.port}") as channel:
        assert check(channel) == NOT_SERVING
        stub = atlases_pb2_grpc.AtlasServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.ListAtlases(atlases_pb2.ListAtlasesRequest(), timeout=5)

    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "loading" in caught.value.details()


def test_reports_not_serving_during_shutdown(loop_thread, settings):
    service = Service(settings)
    loop_thread.run(service.start())
    loop_thread.run(service.wait_until_serving(30))
    with grpc.insecure_channel(f"127.0.0.1:{service.port}") as channel:
        assert check(channel) == SERVING
        loop_thread.run(service.health.enter_graceful_shutdown())
        assert check(channel) == NOT_SERVING
    loop_thread.run(service.stop())
