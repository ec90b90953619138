"""Health reporting, reflection and shutdown of a real server."""

from __future__ import annotations

import dataclasses
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from server.app import SERVICE_NAMES, Service
from siibragrpc.v1 import atlases_pb2, atlases_pb2_grpc, regions_pb2, regions_pb2_grpc

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def check(channel: grpc.Channel, service: str = "") -> int:
    stub = health_pb2_grpc.HealthStub(channel)
    return stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status


def test_serving_once_loaded(channel, service, loop_thread):
    # Feature services report SERVING once their index is warm, after the rest.
    loop_thread.run(service.wait_until_warm(180), timeout=190)
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


def test_calls_in_flight_at_shutdown_complete(loop_thread, settings):
    service = Service(settings)
    loop_thread.run(service.start())
    loop_thread.run(service.wait_until_serving(30))
    with grpc.insecure_channel(f"127.0.0.1:{service.port}") as channel:
        stub = regions_pb2_grpc.RegionServiceStub(channel)
        request = regions_pb2.ListRegionsRequest(
            parcellation_id="julich 3.1", page_size=1000
        )
        in_flight = [stub.ListRegions.future(request, timeout=30) for _ in range(40)]
        time.sleep(0.005)
        loop_thread.run(service.stop())

        codes = [f.exception().code() if f.exception() else "OK" for f in in_flight]

    assert codes == ["OK"] * 40


def test_undecodable_request_is_invalid_argument(channel):
    call = channel.unary_unary("/siibragrpc.v1.ParcellationService/GetParcellation")

    for raw in (b"\x0a\x02\xff\xfe", b"\xff\xff\xff\xff\xff"):
        with pytest.raises(grpc.RpcError) as caught:
            call(raw, timeout=5)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "does not decode" in caught.value.details()


def test_second_server_on_the_same_port_fails(loop_thread, service, settings):
    second = Service(dataclasses.replace(settings, grpc_port=service.port))

    with pytest.raises(RuntimeError):
        loop_thread.run(second.start())
