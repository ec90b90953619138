"""Server-worker mode: calls become RQ jobs on queues ordered by criticality.

The server never blocks a thread on a job. It registers a future per job,
one listener task resolves futures as workers publish finished job ids, and
a watchdog task notices jobs whose worker died: an RQ work horse killed
mid-job (the job fails) or a whole worker process gone (its liveness key
expires). An idempotent call whose worker died is run once more; otherwise
the client gets UNAVAILABLE within seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import uuid
from dataclasses import dataclass

import redis.asyncio as aioredis
from google.protobuf.message import Message
from redis import Redis
from redis.exceptions import RedisError
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus

from server.config import QueueSettings
from server.dispatch import RETRY_AFTER_S, HasDeadline, remaining_s
from server.errors import (
    DeadlineExceededError,
    ResourceExhaustedError,
    UnavailableError,
)
from worker import outcome
from worker.criticality import Criticality
from worker.execute import lookup
from worker.queues import DONE_CHANNEL, liveness_key, outcome_key, queue

_LOGGER = logging.getLogger(__name__)

WATCHDOG_INTERVAL_S = 0.5
_DEAD_STATUSES = {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


class WorkerLostError(Exception):
    """The worker running a job died before storing its outcome."""


@dataclass
class _Waiter:
    method: str
    future: asyncio.Future[bytes]


class QueueDispatcher:
    def __init__(self, settings: QueueSettings) -> None:
        self._settings = settings
        # RQ is synchronous: its calls run on threads, never on the loop.
        self._redis = Redis.from_url(settings.redis_url, socket_timeout=5)
        self._aredis = aioredis.Redis.from_url(settings.redis_url, socket_timeout=5)
        self._waiters: dict[str, _Waiter] = {}
        self._tasks: list[asyncio.Task[None]] = []
        # Jobs that looked lost at the last watchdog tick: declared lost only
        # if they still do at the next, so a late liveness renewal under load
        # never runs a job twice.
        self._suspects: set[str] = set()

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._listen(), name="job-listener"),
            asyncio.create_task(self._watch(), name="job-watchdog"),
        ]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._aredis.aclose()
        self._redis.close()

    def _max_depth(self, criticality: Criticality) -> int:
        if criticality is Criticality.CRITICAL:
            return self._settings.max_critical_queue_depth
        return self._settings.max_queue_depth

    def _enqueue(
        self, job_id: str, method: str, request: bytes, timeout_s: float
    ) -> None:
        criticality = lookup(method).criticality
        target = queue(criticality, self._redis)
        if target.count >= self._max_depth(criticality):
            raise ResourceExhaustedError(
                f"the {criticality.value} queue is full; retry in {RETRY_AFTER_S:.0f}s",
                retry_after_s=RETRY_AFTER_S,
            )
        target.enqueue(
            "worker.tasks.run_call",
            method,
            request,
            self._settings.operation_ttl_s,
            job_id=job_id,
            job_timeout=max(1, math.ceil(timeout_s)),
            result_ttl=60,
            failure_ttl=300,
            description=method,
        )

    async def _submit(
        self, job_id: str, method: str, request: Message, timeout_s: float
    ) -> None:
        """Enqueues a call under ``job_id``.

        Raises:
            ResourceExhaustedError: the call's queue is full.
            UnavailableError: Redis cannot be reached.
        """
        payload = request.SerializeToString(deterministic=True)
        try:
            await asyncio.to_thread(self._enqueue, job_id, method, payload, timeout_s)
        except RedisError as error:
            raise UnavailableError("the job queue cannot be reached") from error

    async def call(
        self, method: str, request: Message, context: HasDeadline
    ) -> Message:
        """Runs a call on a worker and waits for its outcome.

        Raises:
            ServiceError: the call's own error, as the worker reported it.
            DeadlineExceededError: the client's deadline passed first.
            UnavailableError: the worker died (twice, for idempotent calls).
            ResourceExhaustedError: the queue is full.
        """
        call = lookup(method)
        attempts = 2 if call.idempotent else 1
        for attempt in range(1, attempts + 1):
            timeout_s = remaining_s(context) or self._settings.default_job_timeout_s
            try:
                encoded = await self._run_once(method, request, timeout_s)
            except WorkerLostError:
                _LOGGER.warning("%s: worker lost (attempt %d)", method, attempt)
                continue
            return outcome.decode(encoded, call.response_type)
        raise UnavailableError(f"the worker running {method} stopped unexpectedly")

    async def _run_once(self, method: str, request: Message, timeout_s: float) -> bytes:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes] = loop.create_future()
        job_id = uuid.uuid4().hex
        # Registered before enqueueing, so no outcome can arrive unobserved.
        self._waiters[job_id] = _Waiter(method, future)
        try:
            await self._submit(job_id, method, request, timeout_s)
            try:
                return await asyncio.wait_for(asyncio.shield(future), timeout_s)
            except TimeoutError:
                await self.cancel(job_id)
                raise DeadlineExceededError(
                    f"{method} did not finish within {timeout_s:.1f}s"
                ) from None
            except asyncio.CancelledError:
                # The client went away: its job is of no use to anyone.
                await asyncio.shield(self.cancel(job_id))
                raise
        finally:
            self._waiters.pop(job_id, None)

    async def cancel(self, job_id: str) -> None:
        """Removes a queued job, or stops a running one on a forking worker.

        A job already running on an in-process worker runs to its end; its
        outcome is then discarded.
        """

        def cancel_sync() -> None:
            try:
                job = Job.fetch(job_id, connection=self._redis)
            except NoSuchJobError:
                return
            status = job.get_status(refresh=False)
            if status in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
                job.cancel()
            elif status == JobStatus.STARTED:
                with contextlib.suppress(InvalidJobOperation):
                    send_stop_job_command(self._redis, job_id)

        try:
            await asyncio.to_thread(cancel_sync)
        except RedisError:
            _LOGGER.warning("could not cancel job %s", job_id)

    async def _resolve(self, job_id: str) -> None:
        waiter = self._waiters.get(job_id)
        if waiter is None or waiter.future.done():
            return
        encoded = await self._aredis.get(outcome_key(job_id))
        if encoded is not None and not waiter.future.done():
            waiter.future.set_result(encoded)

    async def _listen(self) -> None:
        while True:
            try:
                pubsub = self._aredis.pubsub()
                await pubsub.subscribe(DONE_CHANNEL)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        await self._resolve(message["data"].decode())
            except asyncio.CancelledError:
                raise
            except Exception:
                # The watchdog still resolves jobs while this reconnects.
                _LOGGER.warning("job listener lost Redis; reconnecting", exc_info=True)
                await asyncio.sleep(1)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCHDOG_INTERVAL_S)
            if not self._waiters:
                continue
            try:
                lost, finished = await asyncio.to_thread(
                    self._inspect, list(self._waiters)
                )
            except RedisError:
                _LOGGER.warning("watchdog cannot reach Redis")
                continue
            for job_id in finished:
                await self._resolve(job_id)
            confirmed = self._suspects & set(lost)
            self._suspects = set(lost) - confirmed
            for job_id in confirmed:
                waiter = self._waiters.get(job_id)
                if waiter is not None and not waiter.future.done():
                    waiter.future.set_exception(WorkerLostError(job_id))

    def _inspect(self, job_ids: list[str]) -> tuple[list[str], list[str]]:
        """Job ids whose worker died, and those finished without notice."""
        jobs = Job.fetch_many(job_ids, connection=self._redis)
        lost, finished = [], []
        for job_id, job in zip(job_ids, jobs, strict=True):
            if self._redis.exists(outcome_key(job_id)):
                finished.append(job_id)
            elif job is not None and self._worker_died(job):
                lost.append(job_id)
        return lost, finished

    def _worker_died(self, job: Job) -> bool:
        status = job.get_status(refresh=False)
        if status in _DEAD_STATUSES:
            return True  # e.g. an RQ work horse killed mid-job
        if status != JobStatus.STARTED or not job.worker_name:
            return False
        return not self._redis.exists(liveness_key(job.worker_name))
