"""Mirror settings: parsing, URL rewriting, and reading them from the environment."""

from __future__ import annotations

import pytest

from server.config import Settings
from upstream.http import DEFAULT_MAX_FETCH_BYTES
from upstream.mirrors import Mirror, parse_mirrors, rewrite

MIRRORS_TEXT = (
    "https://data-proxy.ebrains.eu=http://127.0.0.1:8123/ebrains/,"
    " neuroglancer.humanbrainproject.eu = http://mirror.local/ng"
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://data-proxy.ebrains.eu/api/v1/buckets/x.nii.gz?x=1",
            "http://127.0.0.1:8123/ebrains/api/v1/buckets/x.nii.gz?x=1",
        ),
        # A bare host matches either scheme.
        (
            "http://neuroglancer.humanbrainproject.eu/precomputed/a/info",
            "http://mirror.local/ng/precomputed/a/info",
        ),
        # The scheme is part of an origin given with one.
        (
            "http://data-proxy.ebrains.eu/api/x",
            "http://data-proxy.ebrains.eu/api/x",
        ),
        ("https://other.host/a", "https://other.host/a"),
        ("https://DATA-PROXY.ebrains.eu/a", "http://127.0.0.1:8123/ebrains/a"),
    ],
)
def test_rewrite_sends_mirrored_hosts_to_their_base(url, expected):
    assert rewrite(url, parse_mirrors(MIRRORS_TEXT)) == expected


def test_parsed_entries_are_normalised():
    expected = (
        Mirror("https://data-proxy.ebrains.eu", "http://127.0.0.1:8123/ebrains"),
        Mirror("neuroglancer.humanbrainproject.eu", "http://mirror.local/ng"),
    )
    assert parse_mirrors(MIRRORS_TEXT) == expected
    assert parse_mirrors("") == ()


@pytest.mark.parametrize(
    "text",
    [
        "https://a.org",  # no base
        "=http://m/",  # no upstream
        "https://a.org=ftp://m/",  # not http
        "https://a.org/path=http://m/",  # upstream with a path
        "https://a.org=http://m/1,https://a.org=http://m/2",  # twice
    ],
)
def test_malformed_mirrors_are_rejected(text):
    with pytest.raises(ValueError):
        parse_mirrors(text)


def test_settings_read_mirrors_and_fetch_limit_from_the_environment():
    settings = Settings.from_env(
        {
            "SIIBRA_GRPC_UPSTREAM_MIRRORS": "https://a.org=http://127.0.0.1:9/a",
            "SIIBRA_GRPC_MAX_FETCH_BYTES": "1000",
            "SIIBRA_GRPC_CONFIGURATION": "online",
        }
    )

    policy = settings.upstream_policy
    assert policy.mirrors == (Mirror("https://a.org", "http://127.0.0.1:9/a"),)
    assert policy.max_fetch_bytes == 1000
    assert policy.timeouts == settings.upstream
    assert Settings.from_env({}).max_fetch_bytes == DEFAULT_MAX_FETCH_BYTES


def test_fetch_limit_must_be_positive():
    with pytest.raises(ValueError, match="max_fetch_bytes"):
        Settings(max_fetch_bytes=0)
