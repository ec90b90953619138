"""One interceptor for every call: status mapping and one log line.

Servicers raise :class:`~server.errors.ServiceError`; this turns it into a
status with ``google.rpc`` details. Anything else is a bug: logged with its
traceback and answered as INTERNAL, never UNKNOWN. Unary calls and
server-streaming calls written as async generators are handled alike, with
one log line when the call ends; other streaming methods (health Watch,
reflection) keep their own handling.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import grpc
from google.protobuf.message import DecodeError
from grpc import aio

from server.errors import InvalidArgumentError, ServiceError

_LOGGER = logging.getLogger(__name__)

_STATUS_DETAILS_KEY = "grpc-status-details-bin"


class ErrorMappingInterceptor(aio.ServerInterceptor):
    def __init__(self) -> None:
        # Calls being handled now, and when the last one began: shutdown
        # waits until none runs and none has begun for a moment.
        self.active = 0
        self.last_started = 0.0

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Any]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Any:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        if handler.unary_unary is not None:
            unary = handler.unary_unary

            decode = _decoder(handler.request_deserializer)

            async def unary_unary(raw: bytes, context: aio.ServicerContext) -> Any:
                self.active += 1
                self.last_started = time.monotonic()
                try:
                    async with _mapped(method, context):
                        return await unary(decode(raw), context)
                finally:
                    self.active -= 1

            # Requests reach the wrapper as bytes: a message that does not
            # decode is the client's error (INVALID_ARGUMENT), which gRPC
            # itself would report as UNKNOWN.
            return grpc.unary_unary_rpc_method_handler(
                unary_unary,
                request_deserializer=None,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None and inspect.isasyncgenfunction(
            handler.unary_stream
        ):
            stream = handler.unary_stream

            decode_stream = _decoder(handler.request_deserializer)

            async def unary_stream(
                raw: bytes, context: aio.ServicerContext
            ) -> AsyncIterator[Any]:
                self.active += 1
                self.last_started = time.monotonic()
                try:
                    async with _mapped(method, context):
                        async for response in stream(decode_stream(raw), context):
                            yield response
                finally:
                    self.active -= 1

            return grpc.unary_stream_rpc_method_handler(
                unary_stream,
                request_deserializer=None,
                response_serializer=handler.response_serializer,
            )
        return handler


def _decoder(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any]:
    """The method's deserializer, raising INVALID_ARGUMENT for bad bytes."""

    def decode(raw: bytes) -> Any:
        if deserializer is None:
            return raw
        try:
            return deserializer(raw)
        except DecodeError as error:
            raise InvalidArgumentError(
                f"the request does not decode: {error}"
            ) from None

    return decode


@asynccontextmanager
async def _mapped(method: str, context: aio.ServicerContext) -> AsyncIterator[None]:
    """Maps what the block raises to a status, and logs the call once."""
    started = time.perf_counter()
    code = grpc.StatusCode.OK
    try:
        yield
    except ServiceError as error:
        code = error.grpc_code
        await _abort(context, error)
    except aio.AbortError:
        code = context.code() or grpc.StatusCode.UNKNOWN
        raise
    except asyncio.CancelledError:
        code = grpc.StatusCode.CANCELLED  # the client went away
        raise
    except Exception:
        code = grpc.StatusCode.INTERNAL
        _LOGGER.exception("%s failed", method)
        await context.abort(grpc.StatusCode.INTERNAL, "internal error")
    finally:
        _LOGGER.info(
            "%s %s %.2fms",
            method,
            code.name,
            (time.perf_counter() - started) * 1e3,
            extra={"rpc_method": method, "rpc_status": code.name},
        )


async def _abort(context: aio.ServicerContext, error: ServiceError) -> None:
    status = error.to_status()
    await context.abort(
        error.grpc_code,
        error.message,
        trailing_metadata=((_STATUS_DETAILS_KEY, status.SerializeToString()),),
    )
