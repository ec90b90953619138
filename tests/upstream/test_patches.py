"""The fixes to siibra 1.0.1a20 that make metadata work with no network."""

from __future__ import annotations

import pytest

from upstream import patches


def test_mesh_provider_fetches_nothing_until_used(siibra, monkeypatch):
    from siibra.retrieval import requests as siibra_requests
    from siibra.volumes.providers.neuroglancer import NeuroglancerMesh

    fetched: list[str] = []

    class RecordingRequest:
        def __init__(self, url, func=None, **kwargs):
            fetched.append(url)
            self.data = {} if url.endswith("/info") else [[1, 0, 0, 0]]

    monkeypatch.setattr(siibra_requests, "HttpRequest", RecordingRequest)
    provider = NeuroglancerMesh("https://example.invalid/mesh")

    assert fetched == []
    assert provider._meshes[None]["url"] == "https://example.invalid/mesh"
    assert fetched == [
        "https://example.invalid/mesh/transform.json",
        "https://example.invalid/mesh/info",
    ]
    _ = provider._meshes
    assert len(fetched) == 2


def test_mesh_provider_still_rejects_bad_resources(siibra):
    from siibra.volumes.providers.neuroglancer import NeuroglancerMesh

    with pytest.raises(ValueError, match="not understood"):
        NeuroglancerMesh(42)


def test_spaces_and_maps_build_with_no_network(siibra):
    assert len(list(siibra.spaces)) == 10
    assert len(list(siibra.maps)) == 63


def test_species_decode_accepts_full_urls(siibra):
    from siibra.commons import Species

    url = (
        "https://openminds.ebrains.eu/instances/species/"
        "97c070c6-8e1f-4ee8-9d28-18c7945921dd"
    )

    assert Species.decode(url) == Species.HOMO_SAPIENS
    assert Species.decode("homo sapiens") == Species.HOMO_SAPIENS


def test_patches_refuse_another_siibra_version():
    class OtherSiibra:
        __version__ = "1.0.1-alpha.21"

    with pytest.raises(patches.UnsupportedSiibraVersionError):
        patches.apply(OtherSiibra)
