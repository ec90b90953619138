"""The Redis response cache for calls that run on workers or threads.

Keys are the method, the request's deterministic bytes and the data version
(siibra's version and a hash of the configuration), so a new configuration
never serves old answers. Only successful, complete responses are stored.
When Redis is down, calls are answered without the cache: the outage is
logged once, counted, and Redis is tried again after a pause.
"""

from __future__ import annotations

import hashlib
import logging
import time
import zlib
from collections import Counter
from collections.abc import Callable

import redis.asyncio as aioredis
from google.protobuf.message import Message
from redis.exceptions import RedisError

from server.dispatch import Dispatcher, HasDeadline
from worker.execute import lookup
from worker.queues import PREFIX

_LOGGER = logging.getLogger(__name__)

# Payloads above this size are stored zlib-compressed.
COMPRESS_ABOVE_BYTES = 1024
# After a Redis error, the cache is bypassed this long before trying again.
RETRY_REDIS_AFTER_S = 5.0
# Redis must answer within this, or the call goes on without the cache.
REDIS_TIMEOUT_S = 0.25

_RAW = b"r"
_ZLIB = b"z"


def cache_key(method: str, request: Message, data_version: str) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), data_version.encode()):
        digest.update(part)
        digest.update(b"\0")
    digest.update(request.SerializeToString(deterministic=True))
    return f"{PREFIX}:cache:{digest.hexdigest()}"


def pack(payload: bytes) -> bytes:
    if len(payload) > COMPRESS_ABOVE_BYTES:
        return _ZLIB + zlib.compress(payload, 3)
    return _RAW + payload


def unpack(stored: bytes) -> bytes:
    tag, body = stored[:1], stored[1:]
    return zlib.decompress(body) if tag == _ZLIB else body


class ResponseCache:
    def __init__(
        self, redis_url: str, ttl_s: int, data_version: Callable[[], str | None]
    ) -> None:
        self._redis = aioredis.Redis.from_url(
            redis_url,
            socket_timeout=REDIS_TIMEOUT_S,
            socket_connect_timeout=REDIS_TIMEOUT_S,
        )
        self._ttl_s = ttl_s
        self._data_version = data_version
        self._down_since: float | None = None
        self._retry_at = 0.0
        self.counts: Counter[str] = Counter()

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._retry_at

    def _key(self, method: str, request: Message) -> str | None:
        version = self._data_version()
        return None if version is None else cache_key(method, request, version)

    async def get(self, method: str, request: Message) -> bytes | None:
        key = self._key(method, request)
        if key is None or not self.available:
            self.counts["bypassed"] += 1
            return None
        try:
            stored = await self._redis.get(key)
        except (RedisError, OSError) as error:
            self._went_down(error)
            return None
        self._came_back()
        self.counts["hit" if stored is not None else "miss"] += 1
        return None if stored is None else unpack(stored)

    async def put(self, method: str, request: Message, payload: bytes) -> None:
        key = self._key(method, request)
        if key is None or not self.available:
            return
        try:
            await self._redis.set(key, pack(payload), ex=self._ttl_s)
        except (RedisError, OSError) as error:
            self._went_down(error)

    def _went_down(self, error: Exception) -> None:
        self.counts["redis_errors"] += 1
        self._retry_at = time.monotonic() + RETRY_REDIS_AFTER_S
        if self._down_since is None:
            self._down_since = time.monotonic()
            _LOGGER.warning("response cache unavailable, bypassing it: %s", error)

    def _came_back(self) -> None:
        if self._down_since is not None:
            _LOGGER.info(
                "response cache back after %.1fs", time.monotonic() - self._down_since
            )
            self._down_since = None

    async def close(self) -> None:
        await self._redis.aclose()


class CachingDispatcher:
    """Wraps a dispatcher with the response cache, for cacheable calls."""

    def __init__(self, inner: Dispatcher, cache: ResponseCache) -> None:
        self.inner = inner
        self.cache = cache

    async def start(self) -> None:
        await self.inner.start()

    async def call(
        self, method: str, request: Message, context: HasDeadline
    ) -> Message:
        call = lookup(method)
        if not call.cacheable:
            return await self.inner.call(method, request, context)
        cached = await self.cache.get(method, request)
        if cached is not None:
            return call.response_type.FromString(cached)
        response = await self.inner.call(method, request, context)
        if call.is_complete(response):
            await self.cache.put(method, request, response.SerializeToString())
        return response

    async def close(self) -> None:
        await self.inner.close()
        await self.cache.close()
