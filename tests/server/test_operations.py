"""Long-running operations over gRPC and REST, in all-in-one mode."""

from __future__ import annotations

import dataclasses
import time

import grpc
import pytest
import requests
from google.longrunning import operations_pb2 as lro_pb2
from google.longrunning import operations_pb2_grpc as lro_grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2

from server.app import Service
from server.operations import STALE_AFTER_S, _orphan_checked, metadata_of
from siibragrpc.v1 import operations_pb2, operations_pb2_grpc
from tests.worker import calls
from tests.worker.calls import ATLAS_ECHO, COUNTED, SLEEP, Double, String

State = operations_pb2.OperationMetadata.State


def packed(message) -> any_pb2.Any:
    result = any_pb2.Any()
    result.Pack(message)
    return result


@pytest.fixture(scope="module")
def starter(channel):
    return operations_pb2_grpc.OperationServiceStub(channel)


@pytest.fixture(scope="module")
def operations(channel):
    return lro_grpc.OperationsStub(channel)


def start(starter, method, request, timeout_seconds=0):
    return starter.StartOperation(
        operations_pb2.StartOperationRequest(
            method=method, request=packed(request), timeout_seconds=timeout_seconds
        )
    )


def wait(operations, name, seconds=10):
    return operations.WaitOperation(
        lro_pb2.WaitOperationRequest(
            name=name, timeout=duration_pb2.Duration(seconds=seconds)
        ),
        timeout=seconds + 5,
    )


def test_operation_runs_to_its_response(starter, operations):
    started = start(starter, COUNTED, String(value="v1 area"))

    assert started.name.startswith("operations/")
    assert not started.done
    assert metadata_of(started).state == State.STATE_RUNNING
    done = wait(operations, started.name)
    assert done.done
    response = String()
    assert done.response.Unpack(response)
    assert response.value == "V1 AREA"
    metadata = metadata_of(done)
    assert metadata.state == State.STATE_SUCCEEDED
    assert metadata.method == COUNTED
    assert metadata.end_time.seconds >= metadata.create_time.seconds
    assert metadata.expire_time.seconds > metadata.end_time.seconds


def test_get_list_and_delete(starter, operations):
    name = wait(operations, start(starter, COUNTED, String(value="x")).name).name

    assert operations.GetOperation(lro_pb2.GetOperationRequest(name=name)).done
    listed = operations.ListOperations(
        lro_pb2.ListOperationsRequest(name="operations", page_size=1000)
    )
    assert name in {op.name for op in listed.operations}
    operations.DeleteOperation(lro_pb2.DeleteOperationRequest(name=name))
    with pytest.raises(grpc.RpcError) as caught:
        operations.GetOperation(lro_pb2.GetOperationRequest(name=name))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_cancel_a_running_operation(starter, operations):
    started = start(starter, SLEEP, Double(value=0.5))

    operations.CancelOperation(lro_pb2.CancelOperationRequest(name=started.name))

    done = operations.GetOperation(lro_pb2.GetOperationRequest(name=started.name))
    assert done.done
    assert done.error.code == code_pb2.CANCELLED
    assert metadata_of(done).state == State.STATE_CANCELLED


def test_failed_call_is_an_operation_error(starter, operations):
    done = wait(operations, start(starter, calls.FAIL, String(value="hOc9")).name)

    assert done.error.code == code_pb2.NOT_FOUND
    assert "hOc9" in done.error.message
    assert metadata_of(done).state == State.STATE_FAILED


def test_operation_timeout_is_deadline_exceeded(starter, operations):
    started = start(starter, SLEEP, Double(value=3), timeout_seconds=1)

    done = wait(operations, started.name)

    assert done.error.code == code_pb2.DEADLINE_EXCEEDED


@pytest.mark.parametrize(
    ("method", "request_message", "code"),
    [
        ("/no.Such/Method", String(value="x"), grpc.StatusCode.NOT_FOUND),
        (COUNTED, Double(value=1), grpc.StatusCode.INVALID_ARGUMENT),
    ],
)
def test_bad_start_requests(starter, method, request_message, code):
    with pytest.raises(grpc.RpcError) as caught:
        start(starter, method, request_message)

    assert caught.value.code() == code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("operations/0123456789abcdef", grpc.StatusCode.NOT_FOUND),
        ("jobs/1", grpc.StatusCode.INVALID_ARGUMENT),
        ("", grpc.StatusCode.INVALID_ARGUMENT),
    ],
)
def test_unknown_or_malformed_operation_names(operations, name, code):
    with pytest.raises(grpc.RpcError) as caught:
        operations.GetOperation(lro_pb2.GetOperationRequest(name=name))

    assert caught.value.code() == code


def test_finished_operations_expire(loop_thread, settings):
    short_lived = dataclasses.replace(
        settings, queue=dataclasses.replace(settings.queue, operation_ttl_s=1)
    )
    service = Service(short_lived)
    loop_thread.run(service.start())
    try:
        with grpc.insecure_channel(f"127.0.0.1:{service.port}") as channel:
            stub = operations_pb2_grpc.OperationServiceStub(channel)
            ops = lro_grpc.OperationsStub(channel)
            name = wait(ops, start(stub, COUNTED, String(value="brief")).name).name
            time.sleep(1.2)
            with pytest.raises(grpc.RpcError) as caught:
                ops.GetOperation(lro_pb2.GetOperationRequest(name=name))
    finally:
        loop_thread.run(service.stop())

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_running_record_of_a_dead_server_reads_as_failed():
    metadata = operations_pb2.OperationMetadata(state=State.STATE_RUNNING)
    metadata.update_time.FromSeconds(int(time.time() - STALE_AFTER_S - 5))
    orphan = lro_pb2.Operation(name="operations/abc")
    orphan.metadata.Pack(metadata)

    checked = _orphan_checked(orphan)

    assert checked.done
    assert checked.error.code == code_pb2.ABORTED
    assert metadata_of(checked).state == State.STATE_FAILED


def test_operations_over_rest(rest_url):
    body = {
        "method": ATLAS_ECHO,
        "request": {
            "@type": "type.googleapis.com/siibragrpc.v1.GetAtlasRequest",
            "atlasId": "human",
        },
    }
    started = requests.post(f"{rest_url}/v1/operations:start", json=body, timeout=10)
    assert started.status_code == 200, started.text
    name = started.json()["name"]

    deadline = time.monotonic() + 10
    while True:
        reply = requests.get(f"{rest_url}/v1/{name}", timeout=10)
        operation = reply.json()
        if operation.get("done") or time.monotonic() > deadline:
            break
        time.sleep(0.05)

    assert operation["done"] is True
    assert operation["response"]["@type"].endswith("siibragrpc.v1.Atlas")
    assert operation["response"]["name"] == "echo of human"
    assert operation["metadata"]["state"] == "STATE_SUCCEEDED"
    missing = requests.get(f"{rest_url}/v1/operations/0000", timeout=10)
    assert missing.status_code == 404
