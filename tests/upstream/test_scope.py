"""The per-call fetch scope at the HTTP choke point: mirrors, budget, failures.

Both of siibra's paths are exercised: ``siibra.retrieval.requests`` (NIfTI,
JSON, sparse indices) and neuroglancer_scripts' ``HttpAccessor`` (chunks).
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

import pytest
import requests

from server.errors import ResourceExhaustedError, UnavailableError
from upstream import http
from upstream.mirrors import parse_mirrors
from upstream.scope import FetchTooLargeError, fetch_scope

BODY = bytes(range(256)) * 40  # 10,240 bytes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # no length needed: the body ends at close

    def do_GET(self) -> None:
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        if self.path.endswith("/missing"):
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        if not self.path.endswith("/unsized"):
            self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        for start in range(0, len(BODY), 1024):
            self.wfile.write(BODY[start : start + 1024])

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def origin() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.paths = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def policy(server: ThreadingHTTPServer, limit: int = 1 << 20) -> http.UpstreamPolicy:
    port = server.server_address[1]
    return http.UpstreamPolicy(
        timeouts=http.UpstreamTimeouts(connect_s=0.5, read_s=0.5),
        mirrors=parse_mirrors(f"https://data.example=http://127.0.0.1:{port}/m"),
        max_fetch_bytes=limit,
    )


def test_requests_go_to_the_mirror_and_are_counted(siibra, origin):
    from siibra.retrieval.requests import HttpRequest

    with fetch_scope(policy(origin)) as scope:
        data = HttpRequest("https://data.example/a/file.bin", refresh=True).get()

    assert data == BODY
    assert origin.paths == ["/m/a/file.bin"]
    assert scope.fetched_bytes == len(BODY)


@pytest.mark.parametrize("path", ["declared", "unsized"])
def test_a_fetch_over_the_budget_fails(siibra, origin, path):
    from siibra.retrieval.requests import HttpRequest

    with (
        pytest.raises(ResourceExhaustedError, match="more than the 5000 bytes"),
        fetch_scope(policy(origin, limit=5000)) as scope,
    ):
        HttpRequest(f"https://data.example/{path}", refresh=True).get()

    # With a Content-Length nothing is read; without one, reading stops at
    # the first block past the budget.
    assert scope.fetched_bytes <= 5000


def test_after_a_fetch_over_budget_the_call_fetches_nothing_more(siibra, origin):
    from siibra.retrieval.requests import HttpRequest

    with fetch_scope(policy(origin, 5000)):
        # siibra would swallow the first and try another source.
        for name in ("first", "second"):
            with pytest.raises(FetchTooLargeError):
                HttpRequest(f"https://data.example/{name}", refresh=True).get()

    assert origin.paths == ["/m/first"]


def test_swallowed_failures_still_decide_the_status(siibra, origin):
    from siibra.retrieval.requests import HttpRequest, SiibraHttpRequestError

    with (
        pytest.raises(UnavailableError) as caught,
        fetch_scope(policy(origin)),
    ):
        # siibra's Volume.fetch swallows the error, and the call fails later.
        with contextlib.suppress(SiibraHttpRequestError):
            HttpRequest("https://data.example/missing", refresh=True).get()
        raise AttributeError("'NoneType' object has no attribute 'dataobj'")

    port = origin.server_address[1]
    assert caught.value.message == (
        f"127.0.0.1:{port} (mirror of data.example) answered HTTP 404"
    )


def test_a_host_that_failed_is_not_asked_again_in_the_call(siibra):
    from siibra.retrieval.requests import HttpRequest

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = http.UpstreamPolicy(mirrors=parse_mirrors(f"a.org=http://127.0.0.1:{port}"))

    with pytest.raises(UnavailableError, match="cannot be reached"), fetch_scope(down):
        for _ in range(2):
            with pytest.raises(requests.ConnectionError) as caught:
                HttpRequest("https://a.org/x", refresh=True).get()
        raise RuntimeError("siibra gave up")

    assert "not asked again" in str(caught.value)


def test_errors_without_a_failed_fetch_pass_through(origin):
    with pytest.raises(KeyError), fetch_scope(policy(origin)):
        raise KeyError("a bug, not a network problem")


def test_neuroglancer_chunks_go_through_the_same_choke_point(siibra, origin):
    from neuroglancer_scripts.http_accessor import HttpAccessor

    accessor = HttpAccessor("https://data.example/volume")
    with fetch_scope(policy(origin)) as scope:
        data = accessor.fetch_file("8mm/0-32_0-32_0-32")

    assert isinstance(accessor._session, http.UpstreamSession)
    assert data == BODY
    assert origin.paths == ["/m/volume/8mm/0-32_0-32_0-32"]
    assert scope.fetched_bytes == len(BODY)


def test_routing_is_pinned_to_the_installed_neuroglancer_scripts():
    assert (
        metadata.version("neuroglancer-scripts")
        == http.ROUTED_NEUROGLANCER_SCRIPTS_VERSION
    )


def test_mapping_errors_does_not_import_siibra():
    # Importing siibra before upstream.loader has set its configuration
    # folder would load siibra's online configuration instead.
    code = (
        "import sys\n"
        "from upstream.errors import upstream_errors\n"
        "with upstream_errors():\n"
        "    pass\n"
        "assert 'siibra' not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=30)
