"""The in-memory metadata index: lookups by id or name, listings in order."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, Protocol, TypeVar

from catalog import names
from catalog.maps import MapTable
from catalog.snapshot import NameVocabulary, Snapshot
from server.errors import AmbiguousError, InvalidArgumentError, NotFoundError
from siibragrpc.v1 import (
    atlases_pb2,
    parcellations_pb2,
    regions_pb2,
    spaces_pb2,
)

_LOGGER = logging.getLogger(__name__)

# Longer specifications are rejected before any matching work is done.
MAX_SPEC_LENGTH = 512


class _Concept(Protocol):
    id: str
    name: str
    key: str
    species: str


C = TypeVar("C", atlases_pb2.Atlas, spaces_pb2.Space, parcellations_pb2.Parcellation)


def _checked_spec(spec: str, field: str) -> str:
    stripped = spec.strip()
    if not stripped:
        raise InvalidArgumentError(f"{field} must not be empty", field)
    if len(spec) > MAX_SPEC_LENGTH:
        raise InvalidArgumentError(
            f"{field} is longer than {MAX_SPEC_LENGTH} characters", field
        )
    return stripped


@dataclass(frozen=True)
class ConceptTable(Generic[C]):
    """Atlases, spaces or parcellations, found by id, key or name as siibra does."""

    kind: str  # singular, for messages: "atlas", "space", "parcellation"
    field: str  # the request field that names one, for error details
    items: Sequence[C]
    matchers: Sequence[Callable[[str], bool]]
    preference: dict[str, int]

    @classmethod
    def build(
        cls,
        kind: str,
        field: str,
        items: Sequence[C],
        preference: dict[str, int],
        vocabulary: NameVocabulary,
    ) -> ConceptTable[C]:
        make = _parcellation_matcher if kind == "parcellation" else _concept_matcher
        matchers = [make(item, vocabulary) for item in items]
        return cls(kind, field, tuple(items), tuple(matchers), preference)

    def list(self, species: str = "") -> Sequence[C]:
        if not species:
            return self.items
        wanted = species.strip().lower()
        return [item for item in self.items if item.species.lower() == wanted]

    def get(self, spec: str) -> C:
        """Resolves an id, key, exact name or siibra specification.

        Where a specification matches several, siibra's preference decides
        (for example the newest version of a parcellation), as siibra does.

        Raises:
            InvalidArgumentError: empty or over-long specification.
            NotFoundError: nothing matches.
        """
        spec = _checked_spec(spec, self.field)
        matches = self._find(spec)
        if not matches:
            raise NotFoundError(self.kind, spec)
        return min(matches, key=lambda item: self.preference.get(item.id, 0))

    def _find(self, spec: str) -> list[C]:
        lowered = spec.lower()
        exact = [
            item
            for item in self.items
            if spec in (item.id, item.key) or item.name.lower() == lowered
        ]
        if exact:
            return exact
        by_name = [
            item
            for item, matches in zip(self.items, self.matchers, strict=True)
            if matches(spec)
        ]
        if by_name:
            return by_name
        return [item for item in self.items if names.key_words_match(spec, item.key)]


def _concept_matcher(
    item: _Concept, vocabulary: NameVocabulary
) -> Callable[[str], bool]:
    """siibra's rule for atlases and spaces."""
    squeezed = names.squeezed_name(item.name, vocabulary)
    return lambda spec: names.concept_name_matches(spec, squeezed)


def _parcellation_matcher(
    item: parcellations_pb2.Parcellation, vocabulary: NameVocabulary
) -> Callable[[str], bool]:
    """siibra's rule for parcellations: short name words, else region rules."""
    short_name = item.short_name.lower()
    words = names.region_words(item.name, vocabulary)
    exact = {item.id.lower(), item.key.lower(), item.name.lower()}

    def matches(spec: str) -> bool:
        if all(w in short_name for w in spec.lower().split()):
            return True
        if spec.lower().strip() in exact:
            return True
        query = names.query_words(spec, vocabulary)
        return names.region_words_match(query, words, strict=False)

    return matches


class RegionTree:
    """The regions of one parcellation, depth-first, with their tree links."""

    def __init__(
        self,
        regions: Sequence[regions_pb2.Region],
        parents: Sequence[int],
        vocabulary: NameVocabulary,
    ) -> None:
        self.regions = tuple(regions)
        self.parents = tuple(parents)
        self.children: list[list[int]] = [[] for _ in self.regions]
        for index, parent in enumerate(self.parents):
            if parent >= 0:
                self.children[parent].append(index)
        self.vocabulary = vocabulary
        self._by_id: dict[str, list[int]] = {}
        self._by_lowered: dict[str, list[int]] = {}
        for index, region in enumerate(self.regions):
            self._by_id.setdefault(region.id, []).append(index)
            for key in {region.name.lower(), region.id.lower()}:
                self._by_lowered.setdefault(key, []).append(index)
        self._words: list[tuple[str, ...]] | None = None
        # Filters are cached per tree: paging asks for the same one repeatedly.
        self.filter = lru_cache(maxsize=256)(self._filter)

    @property
    def words(self) -> list[tuple[str, ...]]:
        if self._words is None:
            self._words = [
                names.region_words(r.name, self.vocabulary) for r in self.regions
            ]
        return self._words

    def _fuzzy(self, spec: str, strict: bool) -> list[int]:
        query = names.query_words(spec, self.vocabulary)
        return [
            index
            for index, words in enumerate(self.words)
            if names.region_words_match(query, words, strict)
        ]

    def _filter(self, spec: str) -> tuple[regions_pb2.Region, ...]:
        lowered = spec.lower()
        query = names.query_words(spec, self.vocabulary)
        return tuple(
            region
            for region, words in zip(self.regions, self.words, strict=True)
            if lowered in (region.id.lower(), region.name.lower())
            or names.region_words_match(query, words, strict=False)
        )

    def _topmost(self, candidates: list[int]) -> list[int]:
        """Drops matched regions whose parent also matched, as siibra does."""
        chosen = set(candidates)
        return [
            i
            for i in candidates
            if any(c in chosen for c in self.children[i])
            or self.parents[i] not in chosen
        ]

    def resolve(self, spec: str) -> list[int]:
        """Indices of the regions a specification names, best tier first.

        Tiers: exact id; exact name or id ignoring case; every query word is a
        word of the name; the same with siibra's ``v`` prefix allowance. The
        first tier with a match decides.
        """
        exact = self._by_id.get(spec) or self._by_lowered.get(spec.lower())
        if exact:
            return list(exact)
        for strict in (True, False):
            candidates = self._topmost(self._fuzzy(spec, strict))
            if len(candidates) > 1:
                full = [
                    i
                    for i in candidates
                    if names.full_word_match(spec, self.regions[i].name)
                ]
                if len(full) == 1:
                    return full
            if candidates:
                return candidates
        return []


class Catalog:
    """Every metadata message, indexed for the servicers."""

    def __init__(self, snapshot: Snapshot) -> None:
        vocabulary = snapshot.vocabulary
        self.data_version = snapshot.data_version
        self.atlases = ConceptTable.build(
            "atlas",
            "atlas_id",
            snapshot.atlases,
            snapshot.preference.get("atlases", {}),
            vocabulary,
        )
        self.spaces = ConceptTable.build(
            "space",
            "space_id",
            snapshot.spaces,
            snapshot.preference.get("spaces", {}),
            vocabulary,
        )
        self.parcellations = ConceptTable.build(
            "parcellation",
            "parcellation_id",
            snapshot.parcellations,
            snapshot.preference.get("parcellations", {}),
            vocabulary,
        )
        self._basic_parcellations = {
            p.id: _basic_view(p) for p in snapshot.parcellations
        }
        self.region_trees = {
            pid: RegionTree(regions, snapshot.region_parents[pid], vocabulary)
            for pid, regions in snapshot.regions.items()
        }
        self.maps = MapTable(snapshot.maps)

    def basic_parcellation(
        self, parcellation_id: str
    ) -> parcellations_pb2.Parcellation:
        """The BASIC view of a parcellation, built once at load."""
        return self._basic_parcellations[parcellation_id]

    def warm(self) -> None:
        """Computes every lazily built match table, so no call pays for it."""
        for tree in self.region_trees.values():
            _ = tree.words

    def region_tree(self, parcellation_spec: str) -> RegionTree:
        parcellation = self.parcellations.get(parcellation_spec)
        return self.region_trees[parcellation.id]

    def list_regions(
        self, parcellation_spec: str, name_filter: str = ""
    ) -> Sequence[regions_pb2.Region]:
        tree = self.region_tree(parcellation_spec)
        if not name_filter.strip():
            return tree.regions
        if len(name_filter) > MAX_SPEC_LENGTH:
            raise InvalidArgumentError(
                f"name_filter is longer than {MAX_SPEC_LENGTH} characters",
                "name_filter",
            )
        return tree.filter(name_filter.strip())

    def get_region(
        self, parcellation_spec: str, region_spec: str
    ) -> regions_pb2.Region:
        """Resolves a region by id or name within a parcellation.

        Raises:
            InvalidArgumentError: empty specification.
            AmbiguousError: several regions match equally well.
            NotFoundError: the parcellation or the region is unknown.
        """
        tree = self.region_tree(parcellation_spec)
        spec = _checked_spec(region_spec, "region_id")
        found = tree.resolve(spec)
        if not found:
            raise NotFoundError("region", spec)
        if len(found) > 1:
            raise AmbiguousError("region_id", spec, _describe(tree, found))
        return tree.regions[found[0]]


def _basic_view(
    parcellation: parcellations_pb2.Parcellation,
) -> parcellations_pb2.Parcellation:
    basic = parcellations_pb2.Parcellation()
    basic.CopyFrom(parcellation)
    for bulky in ("description", "publications", "regions"):
        basic.ClearField(bulky)
    return basic


def _describe(tree: RegionTree, indices: list[int]) -> list[str]:
    """Candidate names, with the parent added where names alone repeat."""
    regions = [tree.regions[i] for i in indices]
    counts = Counter(r.name for r in regions)
    return [
        f"{r.name} (in {r.parent.name})"
        if counts[r.name] > 1 and r.HasField("parent")
        else r.name
        for r in regions
    ]
