"""The index resolves names as siibra does, checked against siibra itself."""

from __future__ import annotations

import pytest

from catalog.catalog import Catalog
from catalog.snapshot import Snapshot
from serializers.snapshot import build
from server.errors import AmbiguousError


@pytest.fixture(scope="module")
def catalog(siibra) -> Catalog:
    return Catalog(Snapshot.from_bytes(build(siibra, "test").to_bytes()))


CONCEPT_SPECS = [
    "julich", "julich 3.1", "julich 2.9", "julich 1.18", "waxholm", "waxholm v4",
    "waxholm v1.01", "allen", "difumo 64", "difumo 1024", "long bundle",
    "bigbrain", "cortical layers", "marmoset", "mebrains", "vep", "harvard",
    "desikan", "isocortex", "mni152", "mni 152", "colin", "fsaverage",
    "fsaverage6", "hcp32k", "human", "rat", "mouse", "monkey",
]  # fmt: skip


@pytest.mark.parametrize("spec", CONCEPT_SPECS)
def test_concept_specs_resolve_as_in_siibra(siibra, catalog, spec):
    for table, ours in (
        (siibra.parcellations, catalog.parcellations),
        (siibra.spaces, catalog.spaces),
        (siibra.atlases, catalog.atlases),
    ):
        try:
            expected = table.get(spec).id
        except (IndexError, KeyError):
            expected = None
        try:
            got = ours.get(spec).id
        except Exception:
            got = None
        assert got == expected, (ours.kind, spec)


def test_every_concept_resolves_by_id_key_and_name(siibra, catalog):
    for table, ours in (
        (siibra.parcellations, catalog.parcellations),
        (siibra.spaces, catalog.spaces),
        (siibra.atlases, catalog.atlases),
    ):
        for concept in table:
            for spec in (concept.id, concept.key, concept.name):
                assert ours.get(spec).id == concept.id, spec


REGION_SPECS = [
    "hOc1 left", "hOc1", "area 44", "44 left", "4p left", "Area 4a (PreCG) right",
    "CM (Amygdala) left", "Fp1 right", "hIP3", "v1", "Ch 123 right", "Id1 left",
    "STS1 left", "PFm right", "5L", "ventral pallidum",
]  # fmt: skip


@pytest.mark.parametrize("spec", REGION_SPECS)
def test_region_specs_resolve_as_in_siibra(siibra, catalog, spec):
    parcellation = siibra.parcellations["julich 3.1"]
    try:
        expected = parcellation.get_region(spec).name
    except (RuntimeError, ValueError):
        expected = None
    try:
        got = catalog.get_region("julich 3.1", spec).name
    except AmbiguousError:
        got = None

    assert got == expected


def test_every_julich_region_resolves_by_its_exact_name(siibra, catalog):
    for region in siibra.parcellations["julich 3.1"]:
        if region.name == siibra.parcellations["julich 3.1"].name:
            continue
        assert catalog.get_region("julich 3.1", region.name).name == region.name


def test_exact_name_wins_where_siibra_finds_it_ambiguous(siibra, catalog):
    # siibra lets "lp" match "vlp", so it cannot tell these two apart by name
    # words alone; the exact name must win.
    spec = "LP (Thalamus, lateral posterior Nucleus) right"

    assert catalog.get_region("julich 3.1", spec.upper()).name == spec
    assert catalog.get_region("julich 3.1", "lp right").name == spec


def test_name_filter_finds_what_siibra_finds(siibra, catalog):
    for spec in ("hOc1", "left", "amygdala", "44"):
        expected = {r.name for r in siibra.parcellations["julich 3.1"].find(spec)}
        got = {r.name for r in catalog.list_regions("julich 3.1", spec)}
        assert got == expected, spec
