"""Where a registered call runs: a thread pool here, or a worker queue.

Servicers call :meth:`Dispatcher.call`; the mode decides the rest. In
all-in-one mode, each criticality class has its own bounded thread pool, so
expensive calls can never occupy the threads that cheaper, more critical
calls need, and the event loop that answers metadata is never blocked.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from google.protobuf.message import Message

from server.errors import DeadlineExceededError, ResourceExhaustedError
from worker.criticality import Criticality
from worker.execute import execute, lookup

_LOGGER = logging.getLogger(__name__)

DEFAULT_POOL_SIZES: dict[Criticality, int] = {
    Criticality.CRITICAL: 2,
    Criticality.FEATURES: 2,
    Criticality.VOLUMES: 2,
    Criticality.DOWNLOADS: 1,
}
# Calls waiting beyond these are refused with RESOURCE_EXHAUSTED.
DEFAULT_MAX_PENDING: dict[Criticality, int] = {
    Criticality.CRITICAL: 256,
    Criticality.FEATURES: 64,
    Criticality.VOLUMES: 32,
    Criticality.DOWNLOADS: 16,
}
RETRY_AFTER_S = 2.0


class HasDeadline(Protocol):
    """What a dispatcher reads of a call's context: the time left."""

    def time_remaining(self) -> float | None: ...


class Deadline:
    """A deadline for work that no client call carries, e.g. an operation."""

    def __init__(self, timeout_s: float) -> None:
        self._expires = time.monotonic() + timeout_s

    def time_remaining(self) -> float:
        return max(self._expires - time.monotonic(), 0.0)


class Dispatcher(Protocol):
    async def start(self) -> None: ...

    async def call(
        self, method: str, request: Message, context: HasDeadline
    ) -> Message: ...

    async def close(self) -> None: ...


def remaining_s(context: HasDeadline) -> float | None:
    """Seconds left before the client's deadline, or None without one."""
    remaining = context.time_remaining()
    return None if remaining is None else max(remaining, 0.0)


class InProcessDispatcher:
    """All-in-one mode: runs calls on per-class thread pools in this process."""

    def __init__(
        self,
        pool_sizes: dict[Criticality, int] | None = None,
        max_pending: dict[Criticality, int] | None = None,
    ) -> None:
        sizes = pool_sizes or DEFAULT_POOL_SIZES
        self._pools = {
            c: ThreadPoolExecutor(sizes[c], thread_name_prefix=f"call-{c.value}")
            for c in Criticality
        }
        self._max_pending = max_pending or DEFAULT_MAX_PENDING
        self._pending = dict.fromkeys(Criticality, 0)

    async def start(self) -> None:
        """Nothing to start: the pools make their threads on demand."""

    async def call(
        self, method: str, request: Message, context: HasDeadline
    ) -> Message:
        """Raises: ServiceError from the handler; RESOURCE_EXHAUSTED when the
        class's queue is full; DEADLINE_EXCEEDED past the client's deadline."""
        criticality = lookup(method).criticality
        if self._pending[criticality] >= self._max_pending[criticality]:
            raise ResourceExhaustedError(
                f"too many {criticality.value} calls waiting; "
                f"retry in {RETRY_AFTER_S:.0f}s"
            )
        self._pending[criticality] += 1
        try:
            loop = asyncio.get_running_loop()
            work = loop.run_in_executor(
                self._pools[criticality], functools.partial(execute, method, request)
            )
            try:
                return await asyncio.wait_for(work, remaining_s(context))
            except TimeoutError:
                # The thread finishes its work unobserved; threads cannot be
                # interrupted, which is why heavy work belongs on workers.
                raise DeadlineExceededError(
                    f"{method} did not finish before the deadline"
                ) from None
        finally:
            self._pending[criticality] -= 1

    async def close(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=False, cancel_futures=True)
