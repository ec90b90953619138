"""Mirrors: local copies of the public data hosts, chosen by configuration.

Institutions run mirrors of the hosts that serve volumes. A mirror maps one
upstream origin (scheme and host) to another base URL; every fetch for that
origin is sent to the mirror instead, with the rest of the URL kept:

    https://data-proxy.ebrains.eu/api/v1/x.nii.gz
    -> http://mirror.local:8080/ebrains/api/v1/x.nii.gz   (base .../ebrains)

siibra's disk cache keeps the upstream URL as its key, so a file fetched
through a mirror is the same cache entry as one fetched from the host itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Mirror:
    """One upstream origin and the base URL that serves its files.

    Attributes:
        origin: "scheme://host[:port]" of the upstream host, lower case; a
            bare host ("data-proxy.ebrains.eu") matches any scheme.
        base_url: Where that host's paths are served, without a trailing "/".
    """

    origin: str
    base_url: str

    @classmethod
    def parse(cls, spec: str) -> Mirror:
        """Parses "https://upstream-host=http://mirror/base".

        Raises:
            ValueError: the specification is malformed.
        """
        upstream, sep, base_url = spec.strip().partition("=")
        if not sep or not upstream.strip() or not base_url.strip():
            raise ValueError(f"mirror {spec!r} is not 'upstream=base-url'")
        base = urlsplit(base_url.strip())
        if base.scheme not in ("http", "https") or not base.netloc:
            raise ValueError(f"mirror base URL {base_url!r} is not an http(s) URL")
        origin = upstream.strip().rstrip("/").lower()
        parsed = urlsplit(origin)
        if parsed.scheme and (parsed.path or parsed.query or not parsed.netloc):
            raise ValueError(f"mirror upstream {upstream!r} is not scheme://host")
        if not parsed.scheme and ("/" in origin or not origin):
            raise ValueError(f"mirror upstream {upstream!r} is not a host")
        return cls(origin, base_url.strip().rstrip("/"))

    def matches(self, url: str) -> bool:
        parts = urlsplit(url)
        if "://" in self.origin:
            return f"{parts.scheme}://{parts.netloc}".lower() == self.origin
        return parts.netloc.lower() == self.origin


def parse_mirrors(text: str) -> tuple[Mirror, ...]:
    """Parses a comma-separated list of mirrors, as in SIIBRA_GRPC_UPSTREAM_MIRRORS.

    Raises:
        ValueError: an entry is malformed or an upstream is listed twice.
    """
    mirrors = tuple(Mirror.parse(item) for item in text.split(",") if item.strip())
    origins = [m.origin for m in mirrors]
    duplicates = sorted({o for o in origins if origins.count(o) > 1})
    if duplicates:
        raise ValueError(f"mirror upstreams listed twice: {', '.join(duplicates)}")
    return mirrors


def rewrite(url: str, mirrors: Iterable[Mirror]) -> str:
    """The URL to request for ``url``: on its mirror, or unchanged."""
    for mirror in mirrors:
        if mirror.matches(url):
            parts = urlsplit(url)
            tail = parts.path + (f"?{parts.query}" if parts.query else "")
            return mirror.base_url + tail
    return url


def host(url: str) -> str:
    """The host (and port) a URL names, for messages."""
    return urlsplit(url).netloc or "an upstream host"
