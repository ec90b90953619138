"""Settings, read once from ``SIIBRA_GRPC_*`` environment variables at the edge."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from upstream.http import UpstreamTimeouts

ENV_PREFIX = "SIIBRA_GRPC_"
# The configuration snapshot laid beside the repository on development machines.
DEFAULT_CONFIGURATION = (
    Path(__file__).resolve().parents[2] / "shared/siibra-configurations"
)
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "siibra-grpc"


@dataclass(frozen=True)
class Settings:
    """Everything the server and workers can be told.

    ``configuration`` is a local siibra configuration folder; None means
    siibra's online default.
    """

    host: str = "127.0.0.1"
    grpc_port: int = 50051
    rest_port: int = 0  # 0: no Envoy
    configuration: Path | None = None
    cache_dir: Path = DEFAULT_CACHE_DIR
    upstream: UpstreamTimeouts = field(default_factory=UpstreamTimeouts)
    shutdown_grace_s: float = 5.0
    log_format: str = "text"  # or "json"
    log_level: str = "INFO"

    @property
    def siibra_cache_dir(self) -> Path:
        return self.cache_dir / "siibra"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        def get(name: str, default: str) -> str:
            return env.get(ENV_PREFIX + name, default)

        configuration = get("CONFIGURATION", "")
        if configuration == "online":
            config_path = None
        elif configuration:
            config_path = Path(configuration).expanduser()
        else:
            config_path = (
                DEFAULT_CONFIGURATION if DEFAULT_CONFIGURATION.is_dir() else None
            )
        return cls(
            host=get("HOST", cls.host),
            grpc_port=int(get("GRPC_PORT", str(cls.grpc_port))),
            rest_port=int(get("REST_PORT", str(cls.rest_port))),
            configuration=config_path,
            cache_dir=Path(get("CACHE_DIR", str(DEFAULT_CACHE_DIR))).expanduser(),
            upstream=UpstreamTimeouts(
                connect_s=float(get("UPSTREAM_CONNECT_TIMEOUT_S", "3")),
                read_s=float(get("UPSTREAM_READ_TIMEOUT_S", "10")),
            ),
            shutdown_grace_s=float(get("SHUTDOWN_GRACE_S", str(cls.shutdown_grace_s))),
            log_format=get("LOG_FORMAT", cls.log_format),
            log_level=get("LOG_LEVEL", cls.log_level),
        )
