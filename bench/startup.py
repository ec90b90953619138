"""Time from spawning the server until its health service reports SERVING."""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench.process import HOST, ServerProcess

_LOGGER = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.01
SERVING = health_pb2.HealthCheckResponse.SERVING
# Codes a health Check can end with while the server is still coming up.
_STARTING_CODES = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


@dataclass(frozen=True)
class StartTiming:
    """Seconds from spawn until the gRPC port accepted a connection and until
    the health Check said SERVING, and how many Checks it took."""

    port_open_s: float
    serving_s: float
    checks: int


def wait_until_serving(
    server: ServerProcess, timeout_s: float
) -> tuple[StartTiming, grpc.Channel]:
    """Polls the freshly spawned server until it is SERVING.

    The port is probed with plain TCP connects first: a gRPC channel that
    fails to connect backs off for a second or more, which would swamp the
    figure being measured.

    Returns:
        The timing, and the open channel the Checks used, for the caller to
        reuse and close.

    Raises:
        ServerProcessError: the server exited.
        TimeoutError: not SERVING within ``timeout_s``.
    """
    deadline = server.spawned_at + timeout_s
    _wait_for_port(server, deadline)
    port_open_s = time.perf_counter() - server.spawned_at

    channel = grpc.insecure_channel(f"{HOST}:{server.grpc_port}")
    try:
        checks = _wait_for_serving(server, channel, deadline)
    except BaseException:
        channel.close()
        raise
    serving_s = time.perf_counter() - server.spawned_at
    _LOGGER.info("SERVING after %.3fs (%d checks)", serving_s, checks)
    return StartTiming(port_open_s, serving_s, checks), channel


def _wait_for_port(server: ServerProcess, deadline: float) -> None:
    while True:
        server.check_running()
        try:
            with socket.create_connection((HOST, server.grpc_port), timeout=0.5):
                return
        except OSError:
            pass
        if time.perf_counter() > deadline:
            raise TimeoutError(f"gRPC port closed:\n{server.log_tail()}")
        time.sleep(POLL_INTERVAL_S)


def _wait_for_serving(
    server: ServerProcess, channel: grpc.Channel, deadline: float
) -> int:
    health = health_pb2_grpc.HealthStub(channel)
    request = health_pb2.HealthCheckRequest()
    checks = 0
    while True:
        server.check_running()
        checks += 1
        try:
            if health.Check(request, timeout=1.0).status == SERVING:
                return checks
        except grpc.RpcError as error:
            if error.code() not in _STARTING_CODES:
                raise
        if time.perf_counter() > deadline:
            raise TimeoutError(f"not SERVING:\n{server.log_tail()}")
        time.sleep(POLL_INTERVAL_S)
