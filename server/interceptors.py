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
from grpc import aio

from server.errors import ServiceError

_LOGGER = logging.getLogger(__name__)

_STATUS_DETAILS_KEY = "grpc-status-details-bin"


class ErrorMappingInterceptor(aio.ServerInterceptor):
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

            async def unary_unary(request: Any, context: aio.ServicerContext) -> Any:
                async with _mapped(method, context):
                    return await unary(request, context)

            return grpc.unary_unary_rpc_method_handler(
                unary_unary,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None and inspect.isasyncgenfunction(
            handler.unary_stream
        ):
            stream = handler.unary_stream

            async def unary_stream(
                request: Any, context: aio.ServicerContext
            ) -> AsyncIterator[Any]:
                async with _mapped(method, context):
                    async for response in stream(request, context):
                        yield response

            return grpc.unary_stream_rpc_method_handler(
                unary_stream,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler


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
