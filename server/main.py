"""Entrypoint: ``siibra-grpc`` or ``python -m server.main``.

Starts the gRPC server and, with a REST port, Envoy in front of it. Settings
come from ``SIIBRA_GRPC_*`` variables (see server/config.py); flags override.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
from pathlib import Path

from server import logs
from server.app import SERVICE_NAMES, Service
from server.config import Settings
from server.envoy_proxy import EnvoyProxy

_LOGGER = logging.getLogger(__name__)


def parse_settings(argv: list[str] | None) -> Settings:
    parser = argparse.ArgumentParser(description="Serve siibra atlas data over gRPC.")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--grpc-port", type=int, help="gRPC port (0: any free port)")
    parser.add_argument("--rest-port", type=int, help="REST port via Envoy (0: none)")
    parser.add_argument(
        "--configuration",
        help="siibra configuration folder, or 'online' for siibra's default",
    )
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    overrides: dict[str, object] = {}
    if args.host is not None:
        overrides["host"] = args.host
    if args.grpc_port is not None:
        overrides["grpc_port"] = args.grpc_port
    if args.rest_port is not None:
        overrides["rest_port"] = args.rest_port
    if args.configuration is not None:
        online = args.configuration == "online"
        overrides["configuration"] = None if online else Path(args.configuration)
    return dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]


async def serve(settings: Settings) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Handlers first: a signal during start-up still stops Envoy and the server.
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    service = Service(settings)
    proxy = None
    try:
        await service.start()
        if settings.rest_port and not stopping.is_set():
            proxy = EnvoyProxy(
                settings.host, service.port, settings.rest_port, SERVICE_NAMES
            )
            await asyncio.to_thread(proxy.start)
        await stopping.wait()
        _LOGGER.info("shutting down")
    finally:
        # The server drains first, so REST calls in flight through Envoy are
        # answered too; Envoy goes last.
        await service.stop()
        if proxy is not None:
            proxy.stop()


def main(argv: list[str] | None = None) -> None:
    settings = parse_settings(argv)
    logs.configure(settings.log_level, settings.log_format)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
