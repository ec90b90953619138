"""One interceptor for every call: status mapping and one log line.

Servicers raise :class:`~server.errors.ServiceError`; this turns it into a
status with ``google.rpc`` details. Anything else is a bug: logged with its
traceback and answered as INTERNAL, never UNKNOWN.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
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
        if handler is None or handler.unary_unary is None:
            # Streaming methods (health Watch, reflection) keep their own handling.
            return handler
        method = handler_call_details.method
        behavior = handler.unary_unary

        async def unary_unary(request: Any, context: aio.ServicerContext) -> Any:
            started = time.perf_counter()
            code = grpc.StatusCode.OK
            try:
                return await behavior(request, context)
            except ServiceError as error:
                code = error.grpc_code
                await _abort(context, error)
            except aio.AbortError:
                code = context.code() or grpc.StatusCode.UNKNOWN
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

        return grpc.unary_unary_rpc_method_handler(
            unary_unary,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


async def _abort(context: aio.ServicerContext, error: ServiceError) -> None:
    status = error.to_status()
    await context.abort(
        error.grpc_code,
        error.message,
        trailing_metadata=((_STATUS_DETAILS_KEY, status.SerializeToString()),),
    )
