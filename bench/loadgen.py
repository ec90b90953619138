"""Closed-loop load: N clients, each making its next call as the last returns.

Every client is a thread with its own caller (a REST connection, or the
shared gRPC channel) and its own random draw of calls from the mix. A cell
runs for a fixed time; each client also stops after a fixed number of calls,
and every call has a deadline, so a cell always ends by itself.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import grpc

from bench.mix import CallFailedError, MixCall, Stubs
from bench.rest import RestClient
from bench.rest_paths import RestRequest

_LOGGER = logging.getLogger(__name__)

GRPC = "grpc"
REST = "rest"
OK = "OK"
# Every call's deadline; Envoy's route timeout is 30 s as well.
CALL_TIMEOUT_S = 30.0
# A client makes at most this many calls per cell, however fast they are.
MAX_CALLS_PER_CLIENT = 200_000
# How often a REST client polls a long-running operation.
POLL_INTERVAL_S = 0.002
# Clients connect before the clock starts; they must within this.
CONNECT_TIMEOUT_S = 30.0
_JOIN_SLACK_S = 10.0


@dataclass(frozen=True)
class Sample:
    """One call: which, over what, how long it took (ms), how it ended, and
    when it started (``time.perf_counter``)."""

    label: str
    transport: str
    ms: float
    code: str
    at: float = 0.0

    @property
    def ended(self) -> float:
        return self.at + self.ms / 1e3


class Caller(Protocol):
    transport: str

    def call(self, call: MixCall, params: dict[str, Any], timeout_s: float) -> None:
        """Raises: CallFailedError: the call ended without an answer."""

    def close(self) -> None: ...


class GrpcCaller:
    """Calls through a channel the clients share, as one application would."""

    transport = GRPC

    def __init__(self, channel: grpc.Channel) -> None:
        self.stubs = Stubs.on(channel)

    def call(self, call: MixCall, params: dict[str, Any], timeout_s: float) -> None:
        try:
            call.grpc(self.stubs, params, timeout_s)
        except grpc.RpcError as error:
            raise CallFailedError(error.code().name, error.details() or "") from None

    def close(self) -> None:
        """The channel belongs to whoever made it."""


@dataclass(frozen=True)
class RestTarget:
    """Where REST requests go: Envoy of a run, or another API's base URL.

    A path in the base URL is put before every request's path.
    """

    host: str
    port: int
    https: bool = False
    prefix: str = ""

    @classmethod
    def from_url(cls, url: str) -> RestTarget:
        """Raises: ValueError: not an http(s) URL with a host."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) base URL: {url!r}")
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        return cls(parts.hostname, port, https, parts.path.rstrip("/"))

    @property
    def url(self) -> str:
        scheme = "https" if self.https else "http"
        return f"{scheme}://{self.host}:{self.port}{self.prefix}"


class RestCaller:
    """One keep-alive connection per client, like a browser tab."""

    transport = REST

    def __init__(self, target: RestTarget) -> None:
        self.target = target
        self.client = RestClient(
            target.host, target.port, timeout_s=CALL_TIMEOUT_S, https=target.https
        )
        self.client.connection.connect()

    def call(self, call: MixCall, params: dict[str, Any], timeout_s: float) -> None:
        request = call.rest
        if request is None:
            raise CallFailedError("NO_REST_REQUEST", call.label)
        deadline = time.perf_counter() + timeout_s
        answer = self._send(
            request,
            request.method,
            request.fill_path(params),
            request.fill_body(params),
        )
        if request.poll is None:
            return
        if not isinstance(answer, dict):
            raise CallFailedError("NOT_JSON", "an operation must answer JSON")
        path = request.fill_poll(answer)
        for _ in range(int(timeout_s / POLL_INTERVAL_S) + 1):
            if answer.get("done"):
                break
            if time.perf_counter() > deadline:
                raise CallFailedError("DEADLINE_EXCEEDED", "operation still running")
            time.sleep(POLL_INTERVAL_S)
            answer = self._send(request, "GET", path, None)
        if "error" in answer:
            code = answer["error"].get("code", "?")
            raise CallFailedError(f"OPERATION_ERROR_{code}")

    def _send(
        self, request: RestRequest, method: str, path: str, body: bytes | None
    ) -> Any:
        try:
            status, content_type, data = self.client.request(
                method, self.target.prefix + path, body
            )
        except TimeoutError:
            self.client.close()
            raise CallFailedError("TIMEOUT") from None
        except (OSError, http.client.HTTPException) as error:
            self.client.close()
            raise CallFailedError("CONNECTION_ERROR", str(error)) from None
        wanted = request.expect
        if (wanted is None and not 200 <= status < 300) or (
            wanted is not None and status != wanted
        ):
            raise CallFailedError(f"HTTP_{status}", data[:200].decode(errors="replace"))
        # Decoded, as a gRPC stub parses its answer.
        if content_type.startswith("application/json"):
            return json.loads(data)
        return data

    def close(self) -> None:
        self.client.close()


@dataclass
class Cell:
    """The samples of one closed-loop run and what it cost the client."""

    samples: list[Sample] = field(default_factory=list)
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0

    def extend(self, other: Cell) -> None:
        self.samples += other.samples
        self.elapsed_s += other.elapsed_s
        self.client_cpu_s += other.client_cpu_s


def run_closed_loop(
    clients: Sequence[Callable[[], Caller]],
    calls: list[MixCall],
    duration_s: float,
    seed: int = 0,
    think_s: float = 0.0,
    stop: threading.Event | None = None,
) -> Cell:
    """One client per caller factory draws calls by share for ``duration_s``
    (or until ``stop`` is set), pausing ``think_s`` between calls.

    Clients connect first; the clock starts when all have. A client that
    cannot connect ends the run with the error.

    Raises:
        CallFailedError, OSError: a client could not connect.
        TimeoutError: clients did not connect within CONNECT_TIMEOUT_S.
    """
    concurrency = len(clients)
    shares = [call.share for call in calls]
    barrier = threading.Barrier(concurrency + 1)
    go = threading.Event()
    results: list[list[Sample]] = [[] for _ in range(concurrency)]
    errors: list[BaseException] = []
    stop_at = [0.0]

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        try:
            caller = clients[index]()
        except BaseException as error:
            errors.append(error)
            barrier.abort()
            return
        try:
            barrier.wait(CONNECT_TIMEOUT_S)
            if go.wait(CONNECT_TIMEOUT_S):
                results[index] = _loop(
                    caller, calls, shares, rng, stop_at[0], think_s, stop
                )
        except threading.BrokenBarrierError:
            pass
        finally:
            caller.close()

    threads = [
        threading.Thread(target=client, args=(i,), name=f"client-{i}", daemon=True)
        for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    try:
        barrier.wait(CONNECT_TIMEOUT_S)
    except threading.BrokenBarrierError:
        for thread in threads:
            thread.join(CONNECT_TIMEOUT_S)
        if errors:
            raise errors[0] from None
        raise TimeoutError("clients did not connect in time") from None
    cpu_before = time.process_time()
    started = time.perf_counter()
    stop_at[0] = started + duration_s
    go.set()
    _join(threads, started + duration_s + CALL_TIMEOUT_S + _JOIN_SLACK_S)
    return Cell(
        samples=[sample for found in results for sample in found],
        elapsed_s=time.perf_counter() - started,
        client_cpu_s=time.process_time() - cpu_before,
    )


def _loop(
    caller: Caller,
    calls: list[MixCall],
    shares: list[float],
    rng: random.Random,
    stop_at: float,
    think_s: float,
    stop: threading.Event | None,
) -> list[Sample]:
    samples = []
    for _ in range(MAX_CALLS_PER_CLIENT):
        if time.perf_counter() >= stop_at or (stop is not None and stop.is_set()):
            break
        if think_s and samples:
            time.sleep(think_s)
        call = rng.choices(calls, shares)[0]
        params = call.params(rng)
        started = time.perf_counter()
        try:
            caller.call(call, params, CALL_TIMEOUT_S)
            code = OK
        except CallFailedError as error:
            code = error.code
        elapsed_ms = (time.perf_counter() - started) * 1e3
        samples.append(Sample(call.label, caller.transport, elapsed_ms, code, started))
    return samples


def _join(threads: list[threading.Thread], deadline: float) -> None:
    for thread in threads:
        thread.join(max(deadline - time.perf_counter(), 0.0))
        if thread.is_alive():
            # Daemon threads: a stuck client cannot hold the run up.
            _LOGGER.warning("%s still running past its deadline", thread.name)
