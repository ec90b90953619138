"""Server-streaming calls get the same status mapping as unary ones."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc import aio
from grpc_status import rpc_status

from server import errors
from server.interceptors import ErrorMappingInterceptor


async def _two_then_bug(request: bytes, context: aio.ServicerContext) -> AsyncIterator:
    yield b"one"
    yield b"two"
    raise ValueError("a bug")


async def _host_down(request: bytes, context: aio.ServicerContext) -> AsyncIterator:
    raise errors.UnavailableError("data.example cannot be reached")
    yield b"never"  # makes this an async generator


async def _fine(request: bytes, context: aio.ServicerContext) -> AsyncIterator:
    for part in (b"a", b"b", b"c"):
        yield part


@pytest.fixture
def streaming_server(loop_thread):
    handlers = grpc.method_handlers_generic_handler(
        "test.Streams",
        {
            name: grpc.unary_stream_rpc_method_handler(behavior)
            for name, behavior in (
                ("Bug", _two_then_bug),
                ("Down", _host_down),
                ("Fine", _fine),
            )
        },
    )

    async def start():
        server = aio.server(interceptors=[ErrorMappingInterceptor()])
        server.add_generic_rpc_handlers((handlers,))
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        return server, port

    server, port = loop_thread.run(start())
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield channel
    loop_thread.run(server.stop(0))


def call(channel, method):
    return channel.unary_stream(f"/test.Streams/{method}")(b"", timeout=5)


def test_a_bug_mid_stream_is_internal_after_what_was_sent(streaming_server):
    received = []
    with pytest.raises(grpc.RpcError) as caught:
        for message in call(streaming_server, "Bug"):
            received.append(message)

    assert received == [b"one", b"two"]
    assert caught.value.code() == grpc.StatusCode.INTERNAL
    assert "a bug" not in caught.value.details()


def test_a_domain_error_keeps_its_code_and_details(streaming_server):
    with pytest.raises(grpc.RpcError) as caught:
        list(call(streaming_server, "Down"))

    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    status = rpc_status.from_call(caught.value)
    info = error_details_pb2.ErrorInfo()
    assert status is not None and status.details[0].Unpack(info)
    assert info.reason == "UPSTREAM_UNAVAILABLE"


def test_a_stream_that_ends_well_is_untouched(streaming_server):
    assert list(call(streaming_server, "Fine")) == [b"a", b"b", b"c"]


def logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "server.interceptors"]


def test_one_log_line_per_streaming_call(streaming_server, caplog):
    with caplog.at_level("INFO", logger="server.interceptors"):
        list(call(streaming_server, "Fine"))
        with pytest.raises(grpc.RpcError):
            list(call(streaming_server, "Down"))

        # The server may log just after the client has the status.
        deadline = time.monotonic() + 2
        while len(logged(caplog)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)

    assert [line.rsplit(" ", 1)[0] for line in logged(caplog)] == [
        "/test.Streams/Fine OK",
        "/test.Streams/Down UNAVAILABLE",
    ]
