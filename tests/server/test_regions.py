"""Regions: the hierarchy, name resolution and paging, over gRPC."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from siibragrpc.v1 import regions_pb2
from tests.conftest import JULICH_3_1

HOC1_LEFT = "Area hOc1 (V1, 17, CalcS) left"


def get_region(stub, region_id, parcellation_id="julich 3.1"):
    return stub.GetRegion(
        regions_pb2.GetRegionRequest(
            parcellation_id=parcellation_id, region_id=region_id
        )
    )


def test_hoc1_left_with_its_parent_chain(regions):
    region = get_region(regions, HOC1_LEFT, parcellation_id=JULICH_3_1)

    assert region.name == HOC1_LEFT
    assert region.parcellation.id == JULICH_3_1
    assert region.parent.name == "Area hOc1 (V1, 17, CalcS)"
    assert [a.name for a in region.ancestors] == [
        "telencephalon",
        "cerebral cortex",
        "occipital lobe",
        "occipital cortex",
        "Area hOc1 (V1, 17, CalcS)",
    ]
    assert region.depth == 6
    assert region.rgb == "#bd8492"
    assert list(region.children) == []


def test_region_found_again_by_its_id(regions):
    region = get_region(regions, HOC1_LEFT)

    assert get_region(regions, region.id) == region


def test_parent_lists_both_hemispheres_as_children(regions):
    parent = get_region(regions, "Area hOc1 (V1, 17, CalcS)")

    assert {c.name for c in parent.children} == {
        "Area hOc1 (V1, 17, CalcS) left",
        "Area hOc1 (V1, 17, CalcS) right",
    }


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("area hoc1 (v1, 17, calcs) LEFT", HOC1_LEFT),
        ("hOc1 left", HOC1_LEFT),
        ("hOc1", "Area hOc1 (V1, 17, CalcS)"),
        ("4p left", "Area 4p (PreCG) left"),
        # siibra lets "lp" match "vlp"; an exact name must win over that.
        (
            "LP (Thalamus, lateral posterior Nucleus) right",
            "LP (Thalamus, lateral posterior Nucleus) right",
        ),
        ("lp right", "LP (Thalamus, lateral posterior Nucleus) right"),
    ],
)
def test_region_name_resolution(regions, spec, expected):
    assert get_region(regions, spec).name == expected


def test_ambiguous_name_lists_candidates(regions):
    with pytest.raises(grpc.RpcError) as caught:
        get_region(regions, "OFC left")

    error = caught.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "matches" in error.details()
    status = rpc_status.from_call(error)
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    assert info.reason == "AMBIGUOUS_NAME"
    candidates = info.metadata["candidates"].split("\n")
    assert {"Area Fo1 (OFC) left", "Area Fo5 (OFC) left"} <= set(candidates)
    assert not any("right" in c for c in candidates)


def test_very_ambiguous_name_is_summarised(regions):
    with pytest.raises(grpc.RpcError) as caught:
        get_region(regions, "left")

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "more" in caught.value.details()
    assert len(caught.value.details()) < 4000


def test_unknown_region_is_not_found(regions):
    with pytest.raises(grpc.RpcError) as caught:
        get_region(regions, "Area 51 (Nevada)")

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    status = rpc_status.from_call(caught.value)
    resource = error_details_pb2.ResourceInfo()
    assert any(d.Unpack(resource) for d in status.details)
    assert resource.resource_type == "region"


def test_region_of_unknown_parcellation_is_not_found(regions):
    with pytest.raises(grpc.RpcError) as caught:
        get_region(regions, HOC1_LEFT, parcellation_id="no such parcellation")

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert "parcellation" in caught.value.details()


def list_all(stub, page_size, **request):
    names, token, pages = [], "", 0
    while True:
        response = stub.ListRegions(
            regions_pb2.ListRegionsRequest(
                page_size=page_size, page_token=token, **request
            )
        )
        names.extend(r.id + "|" + r.name for r in response.regions)
        pages += 1
        token = response.next_page_token
        if not token:
            return names, response.total_size, pages


def test_paging_through_julich_3_1_returns_each_region_once(regions):
    entries, total, pages = list_all(regions, 97, parcellation_id=JULICH_3_1)

    assert len(entries) == total
    assert len(set(entries)) == total
    assert pages == -(-total // 97)
    single, _, _ = list_all(regions, 1000, parcellation_id=JULICH_3_1)
    assert entries == single


def test_name_filter_pages_and_counts(regions):
    entries, total, _ = list_all(
        regions, 10, parcellation_id="julich 3.1", name_filter="hOc1"
    )

    assert total == 3
    assert sorted(e.split("|")[1] for e in entries) == [
        "Area hOc1 (V1, 17, CalcS)",
        HOC1_LEFT,
        "Area hOc1 (V1, 17, CalcS) right",
    ]


def test_page_size_zero_gives_the_default(regions):
    response = regions.ListRegions(
        regions_pb2.ListRegionsRequest(parcellation_id="julich 3.1")
    )

    assert len(response.regions) == 50
    assert response.next_page_token


def test_huge_page_size_is_capped_at_1000(regions):
    response = regions.ListRegions(
        regions_pb2.ListRegionsRequest(
            parcellation_id="difumo 1024", page_size=2**31 - 1
        )
    )

    assert len(response.regions) == 1000
    assert response.total_size > 1000


def test_negative_page_size_is_invalid(regions):
    with pytest.raises(grpc.RpcError) as caught:
        regions.ListRegions(
            regions_pb2.ListRegionsRequest(parcellation_id="julich 3.1", page_size=-1)
        )

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_size" in caught.value.details()


@pytest.mark.parametrize("token", ["garbage!", "e30", "WzEsMl0", "W-1sImFiYyJd"])
def test_malformed_page_token_is_invalid(regions, token):
    with pytest.raises(grpc.RpcError) as caught:
        regions.ListRegions(
            regions_pb2.ListRegionsRequest(
                parcellation_id="julich 3.1", page_token=token
            )
        )

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_token" in caught.value.details()


def test_page_token_of_another_query_is_invalid(regions):
    first = regions.ListRegions(
        regions_pb2.ListRegionsRequest(parcellation_id="julich 3.1", page_size=5)
    )

    with pytest.raises(grpc.RpcError) as caught:
        regions.ListRegions(
            regions_pb2.ListRegionsRequest(
                parcellation_id="julich 2.9", page_token=first.next_page_token
            )
        )

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
