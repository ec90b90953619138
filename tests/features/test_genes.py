"""The gene vocabulary, searched by symbol prefix."""

from __future__ import annotations

import json

import grpc
import pytest

from catalog.genes import vocabulary_path
from siibragrpc.v1 import features_pb2
from tests.features.conftest import rest_get


def _genes(genes, **request):
    return genes.ListGenes(features_pb2.ListGenesRequest(**request), timeout=10)


def test_prefix_is_case_insensitive_and_ordered(genes):
    response = _genes(genes, prefix="gabra", page_size=100)

    vocabulary = json.loads(vocabulary_path().read_text())
    expected = sorted(s for s in vocabulary if s.lower().startswith("gabra"))
    assert [g.symbol for g in response.genes] == expected
    assert response.total_size == len(expected) == 6
    assert response.genes[0].description == vocabulary["GABRA1"]


def test_empty_prefix_pages_through_every_gene(genes):
    first = _genes(genes, page_size=1000)
    second = _genes(genes, page_size=1000, page_token=first.next_page_token)

    assert first.total_size == len(json.loads(vocabulary_path().read_text()))
    assert len(first.genes) == len(second.genes) == 1000
    assert first.genes[-1].symbol.lower() <= second.genes[0].symbol.lower()


def test_unknown_prefix_finds_nothing(genes):
    response = _genes(genes, prefix="no-such-gene")

    assert response.total_size == 0
    assert list(response.genes) == []


def test_overlong_prefix_is_invalid(genes):
    with pytest.raises(grpc.RpcError) as caught:
        _genes(genes, prefix="x" * 200)

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_genes_over_rest(rest_url, genes):
    response = rest_get(rest_url, "/v1/genes", prefix="GRIN2", pageSize=3)

    assert response.status_code == 200
    body = response.json()
    assert [g["symbol"] for g in body["genes"]] == ["GRIN2A", "GRIN2B", "GRIN2C"]
    assert body["totalSize"] == 4
    assert body["nextPageToken"]
