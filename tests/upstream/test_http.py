"""Every upstream fetch siibra makes has timeouts and fails as UNAVAILABLE."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from server.errors import UnavailableError
from upstream.errors import upstream_errors
from upstream.http import TimeoutRequests, UpstreamTimeouts


@pytest.fixture
def short_timeouts(siibra, monkeypatch) -> UpstreamTimeouts:
    from siibra.retrieval import requests as siibra_requests

    timeouts = UpstreamTimeouts(connect_s=0.5, read_s=0.5)
    monkeypatch.setattr(siibra_requests, "requests", TimeoutRequests(timeouts))
    return timeouts


def test_siibra_uses_the_timeout_client(siibra):
    from siibra.retrieval import requests as siibra_requests

    assert isinstance(siibra_requests.requests, TimeoutRequests)


def test_silent_host_is_unavailable_within_the_read_timeout(
    siibra, short_timeouts, silent_host
):
    from siibra.retrieval.requests import HttpRequest

    started = time.monotonic()
    request = HttpRequest(f"http://{silent_host}/volume.nii.gz", refresh=True)
    with (
        pytest.raises(UnavailableError, match="did not answer in time") as caught,
        upstream_errors(),
    ):
        request.get()

    assert time.monotonic() - started < 3
    assert "127.0.0.1" in caught.value.message


def test_refused_connection_is_unavailable_naming_the_host(siibra, short_timeouts):
    from siibra.retrieval.requests import HttpRequest

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    request = HttpRequest(f"http://127.0.0.1:{port}/x.json", refresh=True)
    with (
        pytest.raises(UnavailableError, match=f"127.0.0.1:{port} cannot be reached"),
        upstream_errors(),
    ):
        request.get()


def test_other_errors_pass_through():
    with pytest.raises(KeyError), upstream_errors():
        raise KeyError("not a network problem")


def test_timeout_client_keeps_explicit_timeouts(monkeypatch):
    seen = {}

    def fake_get(url, **kwargs):
        seen.update(kwargs)
        return requests.Response()

    monkeypatch.setattr(requests, "get", fake_get)
    client = TimeoutRequests(UpstreamTimeouts(connect_s=1, read_s=2))

    client.get("http://127.0.0.1:9/", timeout=7)
    assert seen["timeout"] == 7
    client.get("http://127.0.0.1:9/")
    assert seen["timeout"] == (1, 2)
