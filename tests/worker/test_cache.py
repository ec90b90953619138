"""The Redis response cache: hits, misses, versions, and Redis going away."""

from __future__ import annotations

import logging

import pytest

from server import cache as cache_module
from server.cache import CachingDispatcher, ResponseCache
from server.dispatch import InProcessDispatcher
from server.errors import RemoteError, ServiceError
from server.local_redis import LocalRedis
from tests.worker import calls
from tests.worker.calls import COUNTED, FAIL, PARTIAL, UNCACHEABLE, String
from tests.worker.conftest import FakeContext


class Version:
    def __init__(self) -> None:
        self.value: str | None = "data-v1"

    def __call__(self) -> str | None:
        return self.value


@pytest.fixture
def version() -> Version:
    return Version()


@pytest.fixture
def own_redis():
    server = LocalRedis()
    server.start()
    yield server
    server.close()


@pytest.fixture
def caching(loop_thread, own_redis, version):
    calls.executions.clear()
    dispatcher = CachingDispatcher(
        InProcessDispatcher(), ResponseCache(own_redis.url, 60, version)
    )
    loop_thread.run(dispatcher.start())
    yield dispatcher
    loop_thread.run(dispatcher.close())


def run(loop_thread, dispatcher, method, value):
    return loop_thread.run(
        dispatcher.call(method, String(value=value), FakeContext(10))
    )


def test_second_identical_call_is_a_hit(loop_thread, caching):
    first = run(loop_thread, caching, COUNTED, "hoc1")
    second = run(loop_thread, caching, COUNTED, "hoc1")
    other = run(loop_thread, caching, COUNTED, "hoc2")

    assert first == second == String(value="HOC1")
    assert other.value == "HOC2"
    assert calls.executions == ["hoc1", "hoc2"]
    assert caching.cache.counts["hit"] == 1
    assert caching.cache.counts["miss"] == 2


def test_new_data_version_misses(loop_thread, caching, version):
    run(loop_thread, caching, COUNTED, "hoc1")
    version.value = "data-v2"
    run(loop_thread, caching, COUNTED, "hoc1")

    assert calls.executions == ["hoc1", "hoc1"]


def test_unknown_data_version_bypasses_the_cache(loop_thread, caching, version):
    version.value = None
    run(loop_thread, caching, COUNTED, "a")
    run(loop_thread, caching, COUNTED, "a")

    assert calls.executions == ["a", "a"]
    assert caching.cache.counts["bypassed"] == 2


def test_errors_partial_and_uncacheable_answers_are_not_stored(loop_thread, caching):
    for _ in range(2):
        with pytest.raises((ServiceError, RemoteError)):
            run(loop_thread, caching, FAIL, "x")
        run(loop_thread, caching, UNCACHEABLE, "u")
        run(loop_thread, caching, PARTIAL, "partial answer")

    assert calls.executions == ["u", "partial answer", "u", "partial answer"]


def test_large_payloads_are_compressed():
    payload = b"region " * 1000

    packed = cache_module.pack(payload)

    assert len(packed) < len(payload) / 10
    assert cache_module.unpack(packed) == payload
    assert cache_module.unpack(cache_module.pack(b"small")) == b"small"


def test_redis_stopped_mid_run_calls_still_answered(
    loop_thread, caching, own_redis, caplog, monkeypatch
):
    monkeypatch.setattr(cache_module, "RETRY_REDIS_AFTER_S", 0.0)
    run(loop_thread, caching, COUNTED, "before")
    own_redis.stop()

    with caplog.at_level(logging.WARNING, logger="server.cache"):
        answers = [run(loop_thread, caching, COUNTED, f"during-{i}") for i in range(3)]

    assert [a.value for a in answers] == ["DURING-0", "DURING-1", "DURING-2"]
    assert caching.cache.counts["redis_errors"] >= 3
    outage_logs = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outage_logs) == 1

    own_redis.start()
    with caplog.at_level(logging.INFO, logger="server.cache"):
        run(loop_thread, caching, COUNTED, "after")
        run(loop_thread, caching, COUNTED, "after")
    assert any("back after" in r.getMessage() for r in caplog.records)
    assert calls.executions.count("after") == 1
