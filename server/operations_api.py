"""OperationService.StartOperation and the standard google.longrunning.Operations."""

from __future__ import annotations

from google.longrunning import operations_pb2 as lro_pb2
from google.longrunning import operations_pb2_grpc as lro_grpc
from google.protobuf import empty_pb2
from grpc import aio

from catalog.paging import fingerprint, paginate
from server.errors import InvalidArgumentError
from server.operations import NAME_PREFIX, OperationRunner
from siibragrpc.v1 import operations_pb2, operations_pb2_grpc


def _checked_name(name: str) -> str:
    if not name.startswith(NAME_PREFIX) or len(name) > 256:
        raise InvalidArgumentError(
            f"operation names look like '{NAME_PREFIX}<id>', not {name!r}", "name"
        )
    return name


class OperationServicer(operations_pb2_grpc.OperationServiceServicer):
    def __init__(self, runner: OperationRunner) -> None:
        self._runner = runner

    async def StartOperation(
        self,
        request: operations_pb2.StartOperationRequest,
        context: aio.ServicerContext,
    ) -> lro_pb2.Operation:
        return await self._runner.begin(
            request.method, request.request, request.timeout_seconds
        )


class LongRunningServicer(lro_grpc.OperationsServicer):
    def __init__(self, runner: OperationRunner) -> None:
        self._runner = runner

    async def ListOperations(
        self, request: lro_pb2.ListOperationsRequest, context: aio.ServicerContext
    ) -> lro_pb2.ListOperationsResponse:
        if request.filter:
            raise InvalidArgumentError("filter is not supported", "filter")
        operations = await self._runner.list()
        operations.sort(key=lambda op: op.name)
        page = paginate(
            operations,
            request.page_size,
            request.page_token,
            fingerprint("ListOperations", request.name),
        )
        return lro_pb2.ListOperationsResponse(
            operations=page.items, next_page_token=page.next_page_token
        )

    async def GetOperation(
        self, request: lro_pb2.GetOperationRequest, context: aio.ServicerContext
    ) -> lro_pb2.Operation:
        return await self._runner.get(_checked_name(request.name))

    async def DeleteOperation(
        self, request: lro_pb2.DeleteOperationRequest, context: aio.ServicerContext
    ) -> empty_pb2.Empty:
        await self._runner.delete(_checked_name(request.name))
        return empty_pb2.Empty()

    async def CancelOperation(
        self, request: lro_pb2.CancelOperationRequest, context: aio.ServicerContext
    ) -> empty_pb2.Empty:
        await self._runner.cancel(_checked_name(request.name))
        return empty_pb2.Empty()

    async def WaitOperation(
        self, request: lro_pb2.WaitOperationRequest, context: aio.ServicerContext
    ) -> lro_pb2.Operation:
        timeout_s = request.timeout.ToTimedelta().total_seconds()
        remaining = context.time_remaining()
        if remaining is not None:
            timeout_s = min(timeout_s or remaining, remaining)
        return await self._runner.wait(_checked_name(request.name), timeout_s)
