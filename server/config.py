"""Settings, read once from ``SIIBRA_GRPC_*`` environment variables at the edge."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from upstream.http import DEFAULT_MAX_FETCH_BYTES, UpstreamPolicy, UpstreamTimeouts
from upstream.mirrors import Mirror, parse_mirrors

ENV_PREFIX = "SIIBRA_GRPC_"
# The configuration snapshot laid beside the repository on development machines.
DEFAULT_CONFIGURATION = (
    Path(__file__).resolve().parents[2] / "shared/siibra-configurations"
)
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "siibra-grpc"


ALL_IN_ONE = "all-in-one"
SERVER_WORKER = "server-worker"


@dataclass(frozen=True)
class QueueSettings:
    """Where calls run and what is cached.

    ``mode`` is "all-in-one" (calls run on threads in the server) or
    "server-worker" (calls run on RQ workers; needs ``redis_url``). With a
    ``redis_url`` in all-in-one mode, Redis serves only as response cache.
    """

    mode: str = ALL_IN_ONE
    redis_url: str = ""
    cache_ttl_s: int = 3600
    # Finished long-running operations are kept this long, then forgotten.
    operation_ttl_s: int = 3600
    # Jobs waiting per queue beyond which calls get RESOURCE_EXHAUSTED.
    max_queue_depth: int = 64
    max_critical_queue_depth: int = 1024
    # Without a client deadline, a job may run this long.
    default_job_timeout_s: int = 300
    # A worker that has not renewed its liveness key for this long is dead.
    worker_liveness_s: float = 3.0

    def __post_init__(self) -> None:
        if self.mode not in (ALL_IN_ONE, SERVER_WORKER):
            raise ValueError(
                f"mode must be {ALL_IN_ONE} or {SERVER_WORKER}, not {self.mode!r}"
            )
        if self.mode == SERVER_WORKER and not self.redis_url:
            raise ValueError(f"{SERVER_WORKER} mode needs a Redis URL")


@dataclass(frozen=True)
class Settings:
    """Everything the server and workers can be told.

    ``configuration`` is a local siibra configuration folder; None means
    siibra's online default. ``upstream_mirrors`` send the fetches for some
    upstream hosts to other base URLs; ``max_fetch_bytes`` is the most one
    call may download (see :class:`upstream.http.UpstreamPolicy`).
    """

    host: str = "127.0.0.1"
    grpc_port: int = 50051
    rest_port: int = 0  # 0: no Envoy
    configuration: Path | None = None
    cache_dir: Path = DEFAULT_CACHE_DIR
    upstream: UpstreamTimeouts = field(default_factory=UpstreamTimeouts)
    queue: QueueSettings = field(default_factory=QueueSettings)
    upstream_mirrors: tuple[Mirror, ...] = ()
    max_fetch_bytes: int = DEFAULT_MAX_FETCH_BYTES
    # A feature whose matching failed upstream is reported as skipped, and
    # not tried again, for this long (see worker.features.engine).
    feature_retry_after_s: float = 60.0
    shutdown_grace_s: float = 5.0
    log_format: str = "text"  # or "json"
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        _ = self.upstream_policy  # validates the upstream settings

    @property
    def siibra_cache_dir(self) -> Path:
        return self.cache_dir / "siibra"

    @property
    def upstream_policy(self) -> UpstreamPolicy:
        return UpstreamPolicy(
            self.upstream, self.upstream_mirrors, self.max_fetch_bytes
        )

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
            queue=QueueSettings(
                mode=get("MODE", ALL_IN_ONE),
                redis_url=get("REDIS_URL", ""),
                cache_ttl_s=int(get("CACHE_TTL_S", "3600")),
                operation_ttl_s=int(get("OPERATION_TTL_S", "3600")),
                max_queue_depth=int(get("MAX_QUEUE_DEPTH", "64")),
                max_critical_queue_depth=int(get("MAX_CRITICAL_QUEUE_DEPTH", "1024")),
                default_job_timeout_s=int(get("DEFAULT_JOB_TIMEOUT_S", "300")),
            ),
            upstream_mirrors=parse_mirrors(get("UPSTREAM_MIRRORS", "")),
            max_fetch_bytes=int(get("MAX_FETCH_BYTES", str(DEFAULT_MAX_FETCH_BYTES))),
            feature_retry_after_s=float(
                get("FEATURE_RETRY_AFTER_S", str(cls.feature_retry_after_s))
            ),
            shutdown_grace_s=float(get("SHUTDOWN_GRACE_S", str(cls.shutdown_grace_s))),
            log_format=get("LOG_FORMAT", cls.log_format),
            log_level=get("LOG_LEVEL", cls.log_level),
        )
