"""REST/JSON through a real Envoy process with the gRPC-JSON transcoder."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

from server.app import SERVICE_NAMES
from server.envoy_proxy import EnvoyError, EnvoyProxy
from tests.conftest import JULICH_3_1

HOC1_LEFT = "Area hOc1 (V1, 17, CalcS) left"


def get(rest_url: str, path: str, **params: object) -> requests.Response:
    return requests.get(rest_url + path, params=params, timeout=10)


def test_list_atlases_returns_five(rest_url):
    response = get(rest_url, "/v1/atlases")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert len(body["atlases"]) == 5
    assert body["totalSize"] == 5


def test_ids_with_slashes_round_trip_percent_encoded(rest_url):
    response = get(rest_url, f"/v1/parcellations/{quote(JULICH_3_1, safe='')}")

    assert response.status_code == 200
    assert response.json()["id"] == JULICH_3_1


def test_region_by_encoded_name_and_back_by_id(rest_url):
    path = f"/v1/parcellations/{quote('julich 3.1', safe='')}/regions/"
    by_name = get(rest_url, path + quote(HOC1_LEFT, safe="")).json()
    by_id = get(rest_url, path + quote(by_name["id"], safe="")).json()

    assert by_name["name"] == HOC1_LEFT
    assert by_id == by_name
    assert by_name["parent"]["name"] == "Area hOc1 (V1, 17, CalcS)"


def test_paging_over_rest(rest_url):
    path = f"/v1/parcellations/{quote(JULICH_3_1, safe='')}/regions"
    first = get(rest_url, path, pageSize=3, nameFilter="hOc1").json()
    second = get(rest_url, path, pageSize=3, pageToken="", nameFilter="hOc1").json()

    assert first == second
    assert first["totalSize"] == 3
    assert len(first["regions"]) == 3


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/v1/atlases/unknown-atlas", {}, 404, 5),
        ("/v1/parcellations/julich%203.1/regions/OFC%20left", {}, 400, 3),
        ("/v1/atlases", {"pageSize": -1}, 400, 3),
        ("/v1/atlases", {"pageToken": "garbage"}, 400, 3),
    ],
)
def test_errors_become_http_status_with_json_body(rest_url, path, params, status, code):
    response = get(rest_url, path, **params)

    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert body["details"][0]["@type"].endswith("google.rpc.ErrorInfo")


def test_unknown_query_parameter_is_rejected(rest_url):
    response = get(rest_url, "/v1/atlases", colour="blue")

    assert response.status_code == 400
    assert "colour" in response.text


def test_unknown_path_is_not_found(rest_url):
    assert get(rest_url, "/v1/brains").status_code == 404
    assert get(rest_url, "/admin").status_code == 404


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/v1/brains", 404, 5),
        ("/v1/atlases?colour=blue", 400, 3),
        ("/v1/atlases?pageSize=abc", 400, 3),
        ("/v1/atlases/" + "x" * 9000, 431, 3),
    ],
)
def test_envoy_own_errors_are_json_too(rest_url, path, status, code):
    response = requests.get(rest_url + path, timeout=10)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == code


def test_cors_preflight_is_answered(rest_url):
    response = requests.options(
        rest_url + "/v1/atlases",
        headers={
            "Origin": "https://viewer.example",
            "Access-Control-Request-Method": "GET",
        },
        timeout=10,
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://viewer.example"


def test_second_envoy_on_the_same_port_fails(service, rest_url):
    port = int(rest_url.rsplit(":", 1)[1])
    second = EnvoyProxy("127.0.0.1", service.port, port, SERVICE_NAMES)

    with pytest.raises(EnvoyError):
        second.start(timeout_s=10)
