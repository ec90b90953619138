"""Server-worker mode against real Redis and real RQ workers."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from google.rpc import error_details_pb2
from rq.job import Job, JobStatus

from server.config import SERVER_WORKER, QueueSettings
from server.errors import (
    DeadlineExceededError,
    RemoteError,
    ResourceExhaustedError,
    UnavailableError,
)
from server.queue_dispatch import QueueDispatcher
from tests.worker.calls import (
    CRASH,
    ECHO_CRITICAL,
    ECHO_FEATURES,
    ECHO_VOLUMES,
    FAIL,
    ORDER_KEY,
    SLEEP,
    SLEEP_ONCE,
    Double,
    String,
)
from tests.worker.conftest import FakeContext, run_burst_worker
from worker.queues import queues_in_order


def call(loop_thread, dispatcher, method, request, remaining_s=30.0, timeout=60):
    return loop_thread.run(
        dispatcher.call(method, request, FakeContext(remaining_s)), timeout=timeout
    )


def wait_for(predicate, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_forked_worker_answers_a_call(loop_thread, dispatcher, workers):
    workers.start("--fork")

    response = call(loop_thread, dispatcher, ECHO_FEATURES, String(value="hello"))

    assert response == String(value="hello")


def test_in_process_worker_answers_and_keeps_its_process(
    loop_thread, dispatcher, workers
):
    worker = workers.start()

    first = call(loop_thread, dispatcher, SLEEP, Double(value=0))
    second = call(loop_thread, dispatcher, SLEEP, Double(value=0))

    assert first.value == second.value == str(worker.pid)


def test_workers_take_the_most_critical_queue_first(loop_thread, dispatcher, redis):
    async def enqueue_all():
        # One at a time: enqueueing runs on threads, so calls started together
        # may reach a queue in any order.
        futures = []
        for method, label in (
            (ECHO_VOLUMES, "volumes-1"),
            (ECHO_FEATURES, "features-1"),
            (ECHO_VOLUMES, "volumes-2"),
            (ECHO_CRITICAL, "critical-1"),
        ):
            futures.append(
                asyncio.ensure_future(
                    dispatcher.call(method, String(value=label), FakeContext(30))
                )
            )
            while sum(q.count for q in queues_in_order(redis)) < len(futures):
                await asyncio.sleep(0.005)
        return futures

    futures = loop_thread.run(enqueue_all())
    wait_for(lambda: sum(q.count for q in queues_in_order(redis)) == 4)
    run_burst_worker(redis)

    async def gather():
        return await asyncio.gather(*futures)

    loop_thread.run(gather())
    order = [value.decode() for value in redis.lrange(ORDER_KEY, 0, -1)]
    assert order == ["critical-1", "features-1", "volumes-1", "volumes-2"]


def test_handler_errors_keep_their_status(loop_thread, dispatcher, workers):
    workers.start()

    with pytest.raises(RemoteError) as not_found:
        call(loop_thread, dispatcher, FAIL, String(value="hOc9"))
    with pytest.raises(RemoteError) as crashed:
        call(loop_thread, dispatcher, CRASH, String(value="x"))

    assert not_found.value.grpc_code.name == "NOT_FOUND"
    assert "hOc9" in not_found.value.message
    assert crashed.value.grpc_code.name == "INTERNAL"
    assert "a bug" not in crashed.value.message


def test_deadline_becomes_deadline_exceeded_and_stops_the_job(
    loop_thread, dispatcher, workers, redis
):
    workers.start("--fork")
    started = time.monotonic()

    with pytest.raises(DeadlineExceededError):
        call(loop_thread, dispatcher, SLEEP, Double(value=30), remaining_s=1.0)

    assert time.monotonic() - started < 3
    job_id = Job.fetch_many([j.id for j in _all_jobs(redis)], connection=redis)
    assert job_id  # the job exists and was stopped, not left running
    wait_for(
        lambda: all(
            j.get_status() in (JobStatus.STOPPED, JobStatus.FAILED, JobStatus.CANCELED)
            for j in _all_jobs(redis)
        )
    )


def _all_jobs(redis):
    keys = [k.decode() for k in redis.scan_iter("rq:job:*") if b":" not in k[7:]]
    return [Job.fetch(k.split(":")[-1], connection=redis) for k in keys]


def test_cancelled_call_cancels_its_queued_job(loop_thread, dispatcher, redis):
    async def start_and_cancel():
        task = asyncio.ensure_future(
            dispatcher.call(ECHO_VOLUMES, String(value="never"), FakeContext(30))
        )
        while not queues_in_order(redis)[2].count:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    loop_thread.run(start_and_cancel())

    assert all(q.count == 0 for q in queues_in_order(redis))
    assert [j.get_status() for j in _all_jobs(redis)] == [JobStatus.CANCELED]


def test_killed_worker_is_noticed_and_idempotent_call_retried(
    loop_thread, dispatcher, workers, redis
):
    victim = workers.start("--queues", "volumes")
    future = asyncio.run_coroutine_threadsafe(
        dispatcher.call(SLEEP, Double(value=2), FakeContext(60)), loop_thread.loop
    )
    wait_for(lambda: redis.llen("test:started") == 1)
    os.kill(victim.pid, signal.SIGKILL)
    survivor = workers.start("--queues", "volumes")
    started = time.monotonic()

    response = future.result(30)

    assert response.value == str(survivor.pid)
    # Noticed by the liveness key (3 s), not by the job timeout (60 s).
    assert time.monotonic() - started < 15


def test_killed_work_horse_fails_a_non_idempotent_call_promptly(
    loop_thread, dispatcher, workers, redis
):
    workers.start("--fork", "--queues", "volumes")
    future = asyncio.run_coroutine_threadsafe(
        dispatcher.call(SLEEP_ONCE, Double(value=60), FakeContext(120)),
        loop_thread.loop,
    )
    wait_for(lambda: redis.llen("test:started") == 1)
    horse_pid = int(redis.lindex("test:started", 0))
    started = time.monotonic()
    os.kill(horse_pid, signal.SIGKILL)

    with pytest.raises(UnavailableError, match="stopped unexpectedly"):
        future.result(30)
    assert time.monotonic() - started < 5
    assert redis.llen("test:started") == 1  # not run a second time


def test_full_queue_is_resource_exhausted_with_retry_hint(
    loop_thread, redis_server, redis
):
    settings = QueueSettings(
        mode=SERVER_WORKER, redis_url=redis_server.url, max_queue_depth=2
    )
    dispatcher = QueueDispatcher(settings)
    loop_thread.run(dispatcher.start())
    try:
        waiting = [
            asyncio.run_coroutine_threadsafe(
                dispatcher.call(ECHO_VOLUMES, String(value=str(i)), FakeContext(30)),
                loop_thread.loop,
            )
            for i in range(2)
        ]
        wait_for(lambda: queues_in_order(redis)[2].count == 2)

        with pytest.raises(ResourceExhaustedError) as caught:
            call(loop_thread, dispatcher, ECHO_VOLUMES, String(value="one too many"))
        # Critical work has its own, larger bound.
        critical = asyncio.run_coroutine_threadsafe(
            dispatcher.call(ECHO_CRITICAL, String(value="ok"), FakeContext(30)),
            loop_thread.loop,
        )
        wait_for(lambda: queues_in_order(redis)[0].count == 1)
        run_burst_worker(redis)
        assert critical.result(10).value == "ok"
        assert [w.result(10).value for w in waiting] == ["0", "1"]
    finally:
        loop_thread.run(dispatcher.close())

    retry = error_details_pb2.RetryInfo()
    assert caught.value.to_status().details[-1].Unpack(retry)
    assert retry.retry_delay.seconds == 2
