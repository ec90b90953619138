"""Long-running operations: start any worker call, then get, wait, cancel, list.

Each operation runs as a task in the server that started it, through the same
dispatcher as a direct call, so in server-worker mode its work runs on a
worker. Records live in Redis when one is configured (so every server
replica sees them), else in memory. A record expires ``ttl_s`` after its last
update; the owner refreshes running ones, so a record whose owner died stops
being refreshed and reads as failed, never as pending forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Protocol

import redis.asyncio as aioredis
from google.longrunning import operations_pb2 as lro_pb2
from google.protobuf import any_pb2, timestamp_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, status_pb2

from server.dispatch import Deadline, Dispatcher
from server.errors import InvalidArgumentError, NotFoundError, ServiceError
from siibragrpc.v1 import operations_pb2
from worker.execute import lookup
from worker.queues import PREFIX, operations_key

_LOGGER = logging.getLogger(__name__)

State = operations_pb2.OperationMetadata.State
NAME_PREFIX = "operations/"
# The owner confirms running operations this often ...
HEARTBEAT_S = 2.0
# ... and a running record not confirmed for this long has lost its owner.
STALE_AFTER_S = 10.0
# WaitOperation waits at most this long when the client sets no timeout.
MAX_WAIT_S = 60.0


def _now() -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.GetCurrentTime()
    return stamp


def metadata_of(operation: lro_pb2.Operation) -> operations_pb2.OperationMetadata:
    metadata = operations_pb2.OperationMetadata()
    operation.metadata.Unpack(metadata)
    return metadata


def _with_metadata(
    operation: lro_pb2.Operation, metadata: operations_pb2.OperationMetadata
) -> lro_pb2.Operation:
    operation.metadata.Pack(metadata)
    return operation


class OperationStore(Protocol):
    async def put(self, operation: lro_pb2.Operation, ttl_s: int) -> None: ...

    async def get(self, name: str) -> lro_pb2.Operation | None: ...

    async def delete(self, name: str) -> bool: ...

    async def names(self) -> list[str]: ...

    async def close(self) -> None: ...


class MemoryOperationStore:
    def __init__(self) -> None:
        self._records: dict[str, tuple[bytes, float]] = {}

    async def put(self, operation: lro_pb2.Operation, ttl_s: int) -> None:
        expires = time.monotonic() + ttl_s
        self._records[operation.name] = (operation.SerializeToString(), expires)

    async def get(self, name: str) -> lro_pb2.Operation | None:
        record = self._records.get(name)
        if record is None or record[1] < time.monotonic():
            self._records.pop(name, None)
            return None
        return lro_pb2.Operation.FromString(record[0])

    async def delete(self, name: str) -> bool:
        return self._records.pop(name, None) is not None

    async def names(self) -> list[str]:
        now = time.monotonic()
        return [name for name, (_, exp) in self._records.items() if exp >= now]

    async def close(self) -> None:
        self._records.clear()


class RedisOperationStore:
    def __init__(self, redis_url: str) -> None:
        self._redis = aioredis.Redis.from_url(redis_url, socket_timeout=2)

    @staticmethod
    def _key(name: str) -> str:
        return f"{PREFIX}:op:{name}"

    async def put(self, operation: lro_pb2.Operation, ttl_s: int) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.set(self._key(operation.name), operation.SerializeToString(), ex=ttl_s)
            pipe.zadd(operations_key(), {operation.name: time.time()}, nx=True)
            await pipe.execute()

    async def get(self, name: str) -> lro_pb2.Operation | None:
        stored = await self._redis.get(self._key(name))
        return None if stored is None else lro_pb2.Operation.FromString(stored)

    async def delete(self, name: str) -> bool:
        await self._redis.zrem(operations_key(), name)
        return bool(await self._redis.delete(self._key(name)))

    async def names(self) -> list[str]:
        names = [n.decode() for n in await self._redis.zrange(operations_key(), 0, -1)]
        async with self._redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.exists(self._key(name))
            alive = await pipe.execute()
        expired = [n for n, exists in zip(names, alive, strict=True) if not exists]
        if expired:
            await self._redis.zrem(operations_key(), *expired)
        return [n for n, exists in zip(names, alive, strict=True) if exists]

    async def close(self) -> None:
        await self._redis.aclose()


class OperationRunner:
    def __init__(
        self,
        dispatcher: Dispatcher,
        store: OperationStore,
        ttl_s: int,
        default_timeout_s: int,
    ) -> None:
        self._dispatcher = dispatcher
        self._store = store
        self._ttl_s = ttl_s
        self._default_timeout_s = default_timeout_s
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._heartbeat: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._heartbeat = asyncio.create_task(self._confirm_running())

    async def close(self) -> None:
        for task in [*self._tasks.values(), self._heartbeat]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        await self._store.close()

    def _expiry(self) -> timestamp_pb2.Timestamp:
        stamp = timestamp_pb2.Timestamp()
        stamp.FromSeconds(int(time.time()) + self._ttl_s)
        return stamp

    async def begin(
        self, method: str, packed: any_pb2.Any, timeout_s: int
    ) -> lro_pb2.Operation:
        """Starts an operation and returns its first record.

        Raises:
            NotFoundError: no call is registered under ``method``.
            InvalidArgumentError: the request is not of the call's type.
        """
        call = lookup(method)
        request = call.request_type()
        if not packed.Unpack(request):
            raise InvalidArgumentError(
                f"{method} takes {call.request_type.DESCRIPTOR.full_name}, "
                f"not {packed.TypeName() or 'nothing'}",
                "request",
            )
        if timeout_s < 0:
            raise InvalidArgumentError(
                "timeout_seconds must not be negative", "timeout_seconds"
            )
        name = NAME_PREFIX + uuid.uuid4().hex
        created = _now()
        metadata = operations_pb2.OperationMetadata(
            method=method,
            state=State.STATE_RUNNING,
            create_time=created,
            update_time=created,
            expire_time=self._expiry(),
        )
        operation = _with_metadata(lro_pb2.Operation(name=name), metadata)
        await self._store.put(operation, self._ttl_s)
        self._tasks[name] = asyncio.create_task(
            self._run(operation, request, timeout_s or self._default_timeout_s)
        )
        _LOGGER.info("%s started: %s", name, method)
        return operation

    async def _run(
        self, operation: lro_pb2.Operation, request: Message, timeout_s: int
    ) -> None:
        metadata = metadata_of(operation)
        try:
            response = await self._dispatcher.call(
                metadata.method, request, Deadline(timeout_s)
            )
            operation.response.Pack(response)
            metadata.state = State.STATE_SUCCEEDED
        except asyncio.CancelledError:
            operation.error.CopyFrom(
                status_pb2.Status(code=code_pb2.CANCELLED, message="cancelled")
            )
            metadata.state = State.STATE_CANCELLED
        except ServiceError as error:
            operation.error.CopyFrom(error.to_status())
            metadata.state = State.STATE_FAILED
        except Exception:
            _LOGGER.exception("%s failed", operation.name)
            operation.error.CopyFrom(
                status_pb2.Status(code=code_pb2.INTERNAL, message="internal error")
            )
            metadata.state = State.STATE_FAILED
        finally:
            self._tasks.pop(operation.name, None)
        operation.done = True
        metadata.update_time.CopyFrom(_now())
        metadata.end_time.CopyFrom(metadata.update_time)
        metadata.expire_time.CopyFrom(self._expiry())
        await self._store.put(_with_metadata(operation, metadata), self._ttl_s)
        _LOGGER.info("%s %s", operation.name, State.Name(metadata.state))

    async def _confirm_running(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            for name in list(self._tasks):
                operation = await self._store.get(name)
                if operation is None or operation.done:
                    continue
                metadata = metadata_of(operation)
                metadata.update_time.CopyFrom(_now())
                metadata.expire_time.CopyFrom(self._expiry())
                await self._store.put(_with_metadata(operation, metadata), self._ttl_s)

    async def get(self, name: str) -> lro_pb2.Operation:
        """Raises: NotFoundError: unknown, deleted or expired."""
        operation = await self._store.get(name)
        if operation is None:
            raise NotFoundError("operation", name)
        return _orphan_checked(operation)

    async def cancel(self, name: str) -> None:
        """Cancels a running operation this server owns; a finished one stays.

        Raises: NotFoundError: unknown, deleted or expired.
        """
        operation = await self.get(name)
        task = self._tasks.get(name)
        if task is not None and not operation.done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def wait(self, name: str, timeout_s: float) -> lro_pb2.Operation:
        deadline = time.monotonic() + min(timeout_s or MAX_WAIT_S, MAX_WAIT_S)
        task = self._tasks.get(name)
        if task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(
                    asyncio.shield(task), max(deadline - time.monotonic(), 0)
                )
            return await self.get(name)
        while True:
            operation = await self.get(name)
            if operation.done or time.monotonic() >= deadline:
                return operation
            await asyncio.sleep(0.2)

    async def delete(self, name: str) -> None:
        if not await self._store.delete(name):
            raise NotFoundError("operation", name)

    async def list(self) -> list[lro_pb2.Operation]:
        found = []
        for name in await self._store.names():
            operation = await self._store.get(name)
            if operation is not None:
                found.append(_orphan_checked(operation))
        return found


def _orphan_checked(operation: lro_pb2.Operation) -> lro_pb2.Operation:
    """A running record its owner stopped confirming reads as failed."""
    if operation.done:
        return operation
    metadata = metadata_of(operation)
    if time.time() - metadata.update_time.seconds <= STALE_AFTER_S:
        return operation
    operation.done = True
    operation.error.CopyFrom(
        status_pb2.Status(
            code=code_pb2.ABORTED,
            message="the server running this operation stopped; start it again",
        )
    )
    metadata.state = State.STATE_FAILED
    return _with_metadata(operation, metadata)
