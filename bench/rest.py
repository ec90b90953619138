"""A keep-alive REST client for the Envoy face of the server."""

from __future__ import annotations

import http.client
import json
import logging
import time
from typing import Any

_LOGGER = logging.getLogger(__name__)


class RestError(RuntimeError):
    """A REST call answered with an unexpected status."""


class RestClient:
    """One HTTP/1.1 connection, reused for every call like a browser tab would.

    Args:
        host: Envoy's address.
        port: Envoy's REST port.
        https: Speak TLS, for another service's API.
    """

    def __init__(
        self, host: str, port: int, timeout_s: float = 10.0, https: bool = False
    ) -> None:
        connection_class = (
            http.client.HTTPSConnection if https else http.client.HTTPConnection
        )
        self.connection = connection_class(host, port, timeout=timeout_s)
        self.last_body_bytes = 0

    def request(
        self, method: str, path: str, body: bytes | None = None
    ) -> tuple[int, str, bytes]:
        """Sends one request; returns the status, content type and body.

        A keep-alive connection the server closed while idle is opened again
        and the request sent once more; any other failure is raised.

        Raises:
            OSError, http.client.HTTPException: the request failed.
        """
        headers = {"Content-Type": "application/json"} if body is not None else {}
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError):
                self.connection.close()
                if attempt == 2:
                    raise
                continue
            self.last_body_bytes = len(data)
            return response.status, response.getheader("content-type", ""), data
        raise AssertionError("unreachable")

    def get(self, path: str, expect_status: int = 200) -> Any:
        """GETs a path and returns the body, decoded if it is JSON.

        JSON is decoded so the figure compares with a gRPC stub call, which
        also returns a parsed message.

        Raises:
            RestError: the status is not ``expect_status``.
        """
        self.connection.request("GET", path)
        response = self.connection.getresponse()
        body = response.read()
        self.last_body_bytes = len(body)
        if response.status != expect_status:
            raise RestError(
                f"GET {path}: {response.status}, want {expect_status}: {body[:300]!r}"
            )
        if response.getheader("content-type", "").startswith("application/json"):
            return json.loads(body)
        # Envoy's own replies, such as its 404 for an unmapped path, are text.
        return body.decode(errors="replace")

    def close(self) -> None:
        self.connection.close()


def wait_until_ready(host: str, port: int, timeout_s: float) -> float:
    """Polls ``GET /v1/atlases`` until Envoy answers it with 200.

    Envoy starts beside the catalog load, so it can lag SERVING by a moment.

    Returns:
        The seconds waited.

    Raises:
        TimeoutError: not ready within ``timeout_s``.
    """
    started = time.perf_counter()
    while True:
        client = RestClient(host, port, timeout_s=1.0)
        try:
            client.get("/v1/atlases")
            waited = time.perf_counter() - started
            _LOGGER.info("REST ready on port %d after %.3fs more", port, waited)
            return waited
        except (OSError, RestError, http.client.HTTPException) as error:
            last_error = error
        finally:
            client.close()
        if time.perf_counter() - started > timeout_s:
            raise TimeoutError(f"REST not ready on port {port}: {last_error}")
        time.sleep(0.01)
