"""Every error maps to a real status; bugs become INTERNAL, never UNKNOWN."""

from __future__ import annotations

import grpc
import pytest
from grpc import aio

from server import errors
from server.interceptors import ErrorMappingInterceptor


def all_subclasses(cls: type) -> list[type]:
    return [
        sub
        for direct in cls.__subclasses__()
        for sub in [direct, *all_subclasses(direct)]
    ]


@pytest.mark.parametrize("error_class", all_subclasses(errors.ServiceError))
def test_every_service_error_has_a_definite_code(error_class):
    assert error_class.grpc_code not in (grpc.StatusCode.OK, grpc.StatusCode.UNKNOWN)
    assert error_class.grpc_code in errors._RPC_CODES


def test_status_carries_code_message_and_details():
    status = errors.NotFoundError("region", "hOc9").to_status()

    assert status.code == 5
    assert status.message == "no region matches 'hOc9'"
    assert len(status.details) == 2


async def _raise_value_error(request: bytes, context: aio.ServicerContext) -> bytes:
    raise ValueError("a bug")


async def _raise_not_found(request: bytes, context: aio.ServicerContext) -> bytes:
    raise errors.NotFoundError("atlas", "x")


@pytest.fixture
def buggy_server(loop_thread):
    handlers = grpc.method_handlers_generic_handler(
        "test.Buggy",
        {
            "Bug": grpc.unary_unary_rpc_method_handler(_raise_value_error),
            "Missing": grpc.unary_unary_rpc_method_handler(_raise_not_found),
        },
    )

    async def start():
        server = aio.server(interceptors=[ErrorMappingInterceptor()])
        server.add_generic_rpc_handlers((handlers,))
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        return server, port

    server, port = loop_thread.run(start())
    yield port
    loop_thread.run(server.stop(0))


@pytest.mark.parametrize(
    ("method", "code"),
    [("Bug", grpc.StatusCode.INTERNAL), ("Missing", grpc.StatusCode.NOT_FOUND)],
)
def test_interceptor_maps_exceptions(buggy_server, method, code):
    with grpc.insecure_channel(f"127.0.0.1:{buggy_server}") as channel:
        call = channel.unary_unary(f"/test.Buggy/{method}")
        with pytest.raises(grpc.RpcError) as caught:
            call(b"", timeout=5)

    assert caught.value.code() == code
    assert "a bug" not in caught.value.details()
