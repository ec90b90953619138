"""A whole server in server-worker mode, with a worker process behind it."""

from __future__ import annotations

import dataclasses

import grpc
import pytest
from google.longrunning import operations_pb2 as lro_pb2
from google.longrunning import operations_pb2_grpc as lro_grpc
from google.protobuf import any_pb2, duration_pb2

from server.app import Service
from siibragrpc.v1 import (
    atlases_pb2,
    atlases_pb2_grpc,
    operations_pb2,
    operations_pb2_grpc,
)
from tests.worker.calls import ATLAS_ECHO


@pytest.fixture
def server_worker(loop_thread, settings, queue_settings, redis):
    service = Service(dataclasses.replace(settings, queue=queue_settings))
    loop_thread.run(service.start())
    loop_thread.run(service.wait_until_serving(60), timeout=70)
    yield service
    loop_thread.run(service.stop())


def start_echo(channel, atlas_id):
    request = any_pb2.Any()
    request.Pack(atlases_pb2.GetAtlasRequest(atlas_id=atlas_id))
    return operations_pb2_grpc.OperationServiceStub(channel).StartOperation(
        operations_pb2.StartOperationRequest(method=ATLAS_ECHO, request=request)
    )


def wait(channel, name, seconds):
    return lro_grpc.OperationsStub(channel).WaitOperation(
        lro_pb2.WaitOperationRequest(
            name=name, timeout=duration_pb2.Duration(seconds=seconds)
        ),
        timeout=seconds + 5,
    )


def test_operation_runs_on_a_worker_process(server_worker, workers):
    workers.start("--fork")
    with grpc.insecure_channel(f"127.0.0.1:{server_worker.port}") as channel:
        done = wait(channel, start_echo(channel, "human").name, 20)

    atlas = atlases_pb2.Atlas()
    assert done.done and done.response.Unpack(atlas)
    assert atlas.name == "echo of human"


def test_metadata_is_answered_with_no_worker_at_all(server_worker):
    with grpc.insecure_channel(f"127.0.0.1:{server_worker.port}") as channel:
        stub = atlases_pb2_grpc.AtlasServiceStub(channel)
        response = stub.ListAtlases(atlases_pb2.ListAtlasesRequest(), timeout=5)
        pending = start_echo(channel, "rat")
        still_pending = wait(channel, pending.name, 1)

    assert response.total_size == 5
    assert not still_pending.done  # queued until a worker comes
