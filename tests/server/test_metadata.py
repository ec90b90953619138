"""Atlases, spaces and parcellations over gRPC, against the real configuration."""

from __future__ import annotations

import grpc
import pytest

from siibragrpc.v1 import atlases_pb2, parcellations_pb2, regions_pb2, spaces_pb2
from tests.conftest import JULICH_3_1

EXPECTED_ATLASES = {
    "Multilevel Human Atlas",
    "Allen Mouse Common Coordinate Framework v3",
    "Waxholm Space atlas of the Sprague Dawley rat brain",
    "Monkey Atlas",
    "[PRERELEASE] Marmoset Atlas",
}


def test_list_atlases_returns_the_five_siibra_atlases(atlases):
    response = atlases.ListAtlases(atlases_pb2.ListAtlasesRequest())

    assert {a.name for a in response.atlases} == EXPECTED_ATLASES
    assert response.total_size == 5
    assert response.next_page_token == ""


def test_human_atlas_links_its_spaces_and_parcellations(atlases):
    atlas = atlases.GetAtlas(atlases_pb2.GetAtlasRequest(atlas_id="human"))

    assert atlas.id == "juelich/iav/atlas/v1.0.0/1"
    assert atlas.species == "Homo sapiens"
    assert "MNI Colin 27" in {s.name for s in atlas.spaces}
    assert JULICH_3_1 in {p.id for p in atlas.parcellations}


def test_list_parcellations_returns_all_29(parcellations):
    response = parcellations.ListParcellations(
        parcellations_pb2.ListParcellationsRequest(page_size=100)
    )

    assert response.total_size == 29
    assert len({p.id for p in response.parcellations}) == 29


@pytest.mark.parametrize(
    ("spec", "expected_name"),
    [
        ("julich 3.1", "Julich-Brain Cytoarchitectonic Atlas (v3.1)"),
        ("julich", "Julich-Brain Cytoarchitectonic Atlas (v3.1)"),
        ("waxholm v4", "Waxholm Space atlas of the Sprague Dawley rat brain (v4)"),
        (JULICH_3_1, "Julich-Brain Cytoarchitectonic Atlas (v3.1)"),
        ("JULICH_BRAIN_CYTOARCHITECTONIC_ATLAS_V2_9", "Julich-Brain v2.9"),
        ("julich-brain cytoarchitectonic atlas (v3.0.3)", "Julich-Brain v3.0.3"),
    ],
)
def test_get_parcellation_by_id_or_spec(parcellations, spec, expected_name):
    request = parcellations_pb2.GetParcellationRequest(parcellation_id=spec)

    found = parcellations.GetParcellation(request)
    assert expected_name in (found.name, found.short_name)


def test_julich_3_1_carries_version_line_publications_and_map_spaces(parcellations):
    parcellation = parcellations.GetParcellation(
        parcellations_pb2.GetParcellationRequest(parcellation_id=JULICH_3_1)
    )

    assert parcellation.short_name == "Julich-Brain v3.1"
    assert parcellation.modality == "cytoarchitecture"
    assert parcellation.version.name == "3.1.0"
    assert parcellation.version.predecessor_id.endswith("-300")
    assert parcellation.version.is_latest
    assert "10.1126/science.abb4588" in {p.doi for p in parcellation.publications}
    space_names = {s.name for s in parcellation.spaces}
    assert {"MNI Colin 27", "MNI 152 ICBM 2009c Nonlinear Asymmetric"} <= space_names
    assert parcellation.region_count > 700


def test_successor_is_filled_in_from_the_predecessor_link(parcellations):
    # Waxholm v3's configuration names no successor; v4 names v3 as predecessor.
    v3 = parcellations.GetParcellation(
        parcellations_pb2.GetParcellationRequest(parcellation_id="waxholm v3")
    )

    assert v3.version.successor_id.endswith("-v4")
    assert not v3.version.is_latest


def test_spaces_are_listed_with_no_network(spaces):
    # siibra 1.0.1a20 fetches mesh info over HTTP while building spaces; the
    # service defers that, so all ten spaces list on a machine with no network.
    response = spaces.ListSpaces(spaces_pb2.ListSpacesRequest())

    assert response.total_size == 10
    mni152 = next(s for s in response.spaces if s.name.startswith("MNI 152"))
    assert mni152.provides_image
    assert "neuroglancer/precomputed" in mni152.volume_formats
    assert mni152.modality == "mri"


@pytest.mark.parametrize(
    ("spec", "expected_name"),
    [
        ("mni152", "MNI 152 ICBM 2009c Nonlinear Asymmetric"),
        ("colin", "MNI Colin 27"),
        ("bigbrain", "BigBrain microscopic template (histology)"),
    ],
)
def test_get_space_by_spec(spaces, spec, expected_name):
    assert (
        spaces.GetSpace(spaces_pb2.GetSpaceRequest(space_id=spec)).name == expected_name
    )


def test_space_links_parcellations_mapped_in_it(spaces):
    space = spaces.GetSpace(spaces_pb2.GetSpaceRequest(space_id="mni152"))

    assert JULICH_3_1 in {p.id for p in space.parcellations}
    assert "Multilevel Human Atlas" in {a.name for a in space.atlases}


def test_species_filter(atlases, parcellations):
    rat = parcellations.ListParcellations(
        parcellations_pb2.ListParcellationsRequest(species="rattus norvegicus")
    )
    nothing = atlases.ListAtlases(atlases_pb2.ListAtlasesRequest(species="unicorn"))

    assert rat.total_size == 4
    assert all("Waxholm" in p.name for p in rat.parcellations)
    assert nothing.total_size == 0


@pytest.mark.parametrize("spec", ["no such atlas", "xyzzy"])
def test_unknown_atlas_is_not_found(atlases, spec):
    with pytest.raises(grpc.RpcError) as caught:
        atlases.GetAtlas(atlases_pb2.GetAtlasRequest(atlas_id=spec))

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert spec in caught.value.details()


@pytest.mark.parametrize("spec", ["", "   ", "x" * 513])
def test_empty_or_overlong_id_is_invalid(parcellations, spec):
    with pytest.raises(grpc.RpcError) as caught:
        parcellations.GetParcellation(
            parcellations_pb2.GetParcellationRequest(parcellation_id=spec)
        )

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_listing_is_basic_unless_full_is_asked(parcellations):
    basic = parcellations.ListParcellations(
        parcellations_pb2.ListParcellationsRequest()
    )
    full = parcellations.ListParcellations(
        parcellations_pb2.ListParcellationsRequest(
            view=parcellations_pb2.PARCELLATION_VIEW_FULL
        )
    )

    julich = next(p for p in basic.parcellations if p.id == JULICH_3_1)
    assert julich.name and julich.version.name == "3.1.0" and julich.spaces
    assert not julich.publications and not julich.regions and not julich.description
    julich_full = next(p for p in full.parcellations if p.id == JULICH_3_1)
    assert julich_full.publications and julich_full.regions
    assert basic.ByteSize() < full.ByteSize() / 5


def test_get_is_full_unless_basic_is_asked(parcellations):
    full = parcellations.GetParcellation(
        parcellations_pb2.GetParcellationRequest(parcellation_id="julich 3.1")
    )
    basic = parcellations.GetParcellation(
        parcellations_pb2.GetParcellationRequest(
            parcellation_id="julich 3.1", view=parcellations_pb2.PARCELLATION_VIEW_BASIC
        )
    )

    assert [r.name for r in full.regions] == [
        "telencephalon",
        "mesencephalon",
        "metencephalon",
        "diencephalon",
    ]
    assert not basic.regions and basic.id == full.id


def test_unknown_view_is_invalid(parcellations):
    with pytest.raises(grpc.RpcError) as caught:
        parcellations.ListParcellations(
            parcellations_pb2.ListParcellationsRequest(view=99)
        )

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "view" in caught.value.details()


def test_huge_input_gets_a_short_error_not_a_transport_failure(regions):
    # The error echoes the input; uncut, 100 KB would overflow the trailers.
    huge = "x" * 100_000
    with pytest.raises(grpc.RpcError) as caught:
        regions.ListRegions(
            regions_pb2.ListRegionsRequest(
                parcellation_id="julich 3.1", page_token=huge
            )
        )
    with pytest.raises(grpc.RpcError) as not_found:
        regions.GetRegion(
            regions_pb2.GetRegionRequest(parcellation_id="x" * 500, region_id="y")
        )

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert not_found.value.code() == grpc.StatusCode.NOT_FOUND
    assert len(not_found.value.details()) < 300
