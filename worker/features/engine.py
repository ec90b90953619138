"""Finds, groups and resolves siibra's data features for a query concept.

This replaces ``siibra.features.get`` (``Feature._match``) for the service,
because siibra 1.0.1a20's own query does not fit a server:

* One feature that fails to match (e.g. a point that must be warped by a
  remote service) fails the whole query. Here each feature is matched on its
  own; a failure leaves it out and is counted with its reason.
* siibra swallows many upstream failures and caches the degraded result
  (``BrainStructure._ASSIGNMENT_CACHE``, ``Location._ASSIGNMENT_CACHE``, each
  anchor's assignments), so the first listing in a process and the next one
  would differ. Here a feature whose matching saw an upstream failure is
  counted as skipped and what siibra cached meanwhile is rolled back; the
  engine remembers its own answer for a while (``retry_after_s``), then
  tries again. Every call in between answers the same, and fast.
* Compounding evaluates each element's description, which for connectivity
  asks the EBRAINS Knowledge Graph; and it fails when two elements share an
  index (receptor profiles of several regions in a parcellation query).
  Here compounds are grouped by siibra's compound key *and* the anchor's
  region specification, without touching remote metadata.
* ``Feature.matches`` records the last matched concept on the shared anchor,
  which is not safe with concurrent queries; here assignments are taken
  from ``AnatomicalAnchor.assign`` directly, under a lock.

The first query in a process decodes the region specification of every
configured feature against every parcellation (seconds); :meth:`FeatureEngine
.warm` does it ahead of any call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType
from typing import Any

from server.errors import (
    InvalidArgumentError,
    NotFoundError,
    ServiceError,
    UnavailableError,
)
from upstream import scope as _scope
from worker.features import ids
from worker.features.caches import CacheRollback, DegradedMemo
from worker.features.ids import PARCELLATION, REGION, SPACE, ConceptSpec
from worker.features.livequeries import DEFAULT_LIVE_QUERY, LIVE_QUERIES
from worker.features.model import (
    Compound,
    Entry,
    Listing,
    Match,
    Skip,
    TypeInfo,
    best_qualification,
    element_index,
    natural_key,
    short,
)

_LOGGER = logging.getLogger(__name__)

# A feature whose matching failed is reported as skipped, untried, this long.
DEFAULT_RETRY_AFTER_S = 60.0


class _SkippedError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FeatureEngine:
    """siibra's configured features, indexed once, and queries over them.

    Args:
        siibra: The siibra module, loaded by :mod:`upstream.loader`.
    """

    def __init__(self, siibra: ModuleType) -> None:
        from siibra.core.structure import BrainStructure
        from siibra.features.feature import CompoundFeature, Feature
        from siibra.locations.location import Location

        self._siibra = siibra
        self._feature_base = Feature
        self._compound_base = CompoundFeature
        self._lock = threading.RLock()
        self._rollback = CacheRollback(
            [BrainStructure._ASSIGNMENT_CACHE, Location._ASSIGNMENT_CACHE]
        )
        self._indexed = False
        self._degraded = DegradedMemo()
        self._by_id: dict[str, Any] = {}
        self._id_of: dict[int, str] = {}
        self._instances: dict[type, list[Any]] = {}
        self._build_errors: dict[type, str] = {}
        self._regions: dict[str, tuple[dict[str, list[Any]], dict[str, list[Any]]]] = {}

    # -- the index of configured features -----------------------------------

    def feature_classes(self) -> list[type]:
        """Every feature type but siibra's compound wrapper, parents first."""
        result: list[type] = []

        def visit(cls: type) -> None:
            result.append(cls)
            for child in sorted(self._children(cls), key=lambda c: c.__name__):
                visit(child)

        visit(self._feature_base)
        return result

    def _children(self, cls: type) -> list[type]:
        return [
            child
            for child in cls.__subclasses__()
            if issubclass(child, self._feature_base)
            and child is not self._compound_base
            and "ProxyFeature" not in child.__name__
        ]

    def _index(self) -> None:
        """Builds every configured feature and gives each a unique id.

        Building ids decodes every anchor's region specification against
        every parcellation: this is the cold cost of the first query.
        """
        if self._indexed:
            return
        started = time.perf_counter()
        seen: dict[tuple[type, str], Any] = {}
        for cls in self.feature_classes():
            try:
                instances = cls._get_instances()
            except Exception as error:  # one broken folder must not hide the rest
                _LOGGER.warning(
                    "features of %s cannot be built: %s", cls.__name__, error
                )
                self._build_errors[cls] = short(f"cannot be built: {error}")
                continue
            for feature in instances:
                seen.setdefault((type(feature), feature.id), feature)
        by_siibra_id: dict[str, list[Any]] = defaultdict(list)
        for (_, siibra_id), feature in seen.items():
            by_siibra_id[siibra_id].append(feature)
            self._instances.setdefault(type(feature), []).append(feature)
        for siibra_id, features in by_siibra_id.items():
            for feature in features:
                # The configuration gives a few features of different types
                # the same id; the type name tells them apart.
                service_id = (
                    siibra_id
                    if len(features) == 1
                    else f"{siibra_id}--{type(feature).__name__}"
                )
                self._by_id[service_id] = feature
                self._id_of[id(feature)] = service_id
        self._indexed = True
        _LOGGER.info(
            "indexed %d configured features of %d types in %.2fs",
            len(self._by_id),
            len(self._instances),
            time.perf_counter() - started,
        )

    def warm(self) -> None:
        """Does the cold work of the first query: builds and indexes every
        configured feature and decodes every anchor's regions."""
        with self._lock:
            self._index()
            for features in self._instances.values():
                for feature in features:
                    _ = feature.anchor.regions

    def types(self) -> list[TypeInfo]:
        """Every feature type, parents first, with what it can be queried with."""
        with self._lock:
            self._index()
            own_concepts = {
                cls: self._own_concepts(cls) for cls in self.feature_classes()
            }
        result = []
        for cls in self.feature_classes():
            subtree = self._feature_base._SUBCLASSES.get(cls, [cls])
            concepts = frozenset().union(
                *(own_concepts.get(sub_cls, frozenset()) for sub_cls in subtree)
            )
            parent = next(
                (
                    b.__name__
                    for b in cls.__bases__
                    if issubclass(b, self._feature_base)
                ),
                "",
            )
            result.append(
                TypeInfo(
                    name=cls.__name__,
                    parent=parent,
                    category=str(getattr(cls, "category", None) or ""),
                    description=_first_paragraph(cls.__doc__),
                    concepts=concepts,
                    configured_count=len(self._instances.get(cls, [])),
                    live_query=bool(getattr(cls, "_live_queries", None)),
                    children=tuple(c.__name__ for c in self._children(cls)),
                )
            )
        return result

    def _own_concepts(self, cls: type) -> frozenset[str]:
        concepts: set[str] = set()
        for feature in self._instances.get(cls, []):
            anchor = feature.anchor
            if anchor._regionspec or anchor._regions_cached:
                concepts.update((REGION, PARCELLATION))
            if _has_location(anchor):
                # siibra matches a location to a region through the region's
                # map, and to a space by the location's space.
                concepts.update((REGION, PARCELLATION, SPACE))
        for query in getattr(cls, "_live_queries", []):
            concepts.update(LIVE_QUERIES.get(query.__name__, DEFAULT_LIVE_QUERY).kinds)
        return frozenset(concepts)

    def select_types(self, names: Iterable[str]) -> list[type]:
        """The types a filter names, with their subtypes; every type for none.

        Raises:
            InvalidArgumentError: a name is not a feature type.
        """
        classes = self.feature_classes()
        by_name = {cls.__name__.lower(): cls for cls in classes}
        wanted = [name.strip() for name in names if name.strip()]
        if not wanted:
            return classes
        selected: set[type] = set()
        for name in wanted:
            cls = by_name.get(name.lower())
            if cls is None:
                raise InvalidArgumentError(
                    f"{name!r} is not a feature type; ListFeatureTypes lists them",
                    "types",
                )
            selected.update(self._feature_base._SUBCLASSES.get(cls, [cls]))
        return [cls for cls in classes if cls in selected]

    # -- concepts -----------------------------------------------------------

    def resolve(self, spec: ConceptSpec) -> Any:
        """The siibra object of a query concept.

        Raises:
            NotFoundError: the parcellation, region or space is unknown.
        """
        siibra = self._siibra
        if spec.kind == SPACE:
            space = _lookup(siibra.spaces, spec.space_id, "space")
            if spec.box is None:
                return space
            x0, y0, z0, x1, y1, z1 = spec.box
            return siibra.locations.BoundingBox((x0, y0, z0), (x1, y1, z1), space=space)
        parcellation = _lookup(
            siibra.parcellations, spec.parcellation_id, "parcellation"
        )
        if spec.kind == PARCELLATION:
            return parcellation
        by_name, by_id = self._region_tables(parcellation)
        found = by_name.get(spec.region) or by_id.get(spec.region)
        if found:
            return found[0]
        # A name as a client wrote it (a long-running operation passes the
        # request on unresolved): siibra's own matching.
        try:
            return parcellation.get_region(spec.region)
        except Exception:  # siibra raises ValueError for none and for several
            raise NotFoundError("region", spec.region) from None

    def _region_tables(
        self, parcellation: Any
    ) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
        tables = self._regions.get(parcellation.id)
        if tables is None:
            by_name: dict[str, list[Any]] = defaultdict(list)
            by_id: dict[str, list[Any]] = defaultdict(list)
            for region in parcellation:
                by_name[region.name].append(region)
                by_id[region.id].append(region)
            tables = (dict(by_name), dict(by_id))
            self._regions[parcellation.id] = tables
        return tables

    # -- listings -----------------------------------------------------------

    def list_features(
        self,
        spec: ConceptSpec,
        type_names: Sequence[str],
        genes: Sequence[str] = (),
        retry_after_s: float = DEFAULT_RETRY_AFTER_S,
    ) -> Listing:
        """Every feature of the given types anchored to a concept, best first.

        Args:
            spec: The query concept.
            type_names: Types to list, with their subtypes; empty for all.
            genes: Gene symbols, for the gene expression live query.
            retry_after_s: A feature whose matching failed is reported as
                skipped for this long without trying it again.

        Raises:
            InvalidArgumentError: an unknown type name.
            NotFoundError: the concept is unknown.
        """
        classes = self.select_types(type_names)
        # TODO: the lock is held while a matching waits for an upstream host
        # (its connect timeout, once per call and host), so other listings
        # wait too; siibra's matching state is not safe to share without it.
        with self._lock:
            self._index()
            concept = self.resolve(spec)
            matches, skipped = self._match_configured(
                classes, spec, concept, retry_after_s
            )
        live, live_skipped = self._run_live_queries(
            classes, spec, concept, genes, retry_after_s
        )
        entries = self._group([*matches, *live], spec)
        entries.sort(key=_entry_order)
        return Listing(entries, _aggregate([*skipped, *live_skipped]))

    def _match_configured(
        self,
        classes: Sequence[type],
        spec: ConceptSpec,
        concept: Any,
        retry_after_s: float,
    ) -> tuple[list[Match], list[Skip]]:
        matches: list[Match] = []
        skipped: list[Skip] = []
        # What a matching found depends on where its fetches went.
        concept_key = (spec.key(), _mirrors())
        # Features with the same region specification and no location match
        # alike: decide once per specification (thousands of connectivity
        # matrices share a few).
        by_spec: dict[Any, list[Any] | _SkippedError] = {}
        for cls in classes:
            if cls in self._build_errors:
                skipped.append(Skip(cls.__name__, self._build_errors[cls]))
            for feature in self._instances.get(cls, []):
                anchor = feature.anchor
                if anchor._regionspec and not _has_location(anchor):
                    key: Any = (anchor._regionspec, _species_key(anchor))
                else:
                    key = id(anchor)
                outcome = by_spec.get(key)
                if outcome is None:
                    outcome = self._degraded.get((key, concept_key), retry_after_s)
                if outcome is None:
                    try:
                        outcome, degraded = self._assign(anchor, concept)
                    except _SkippedError as skip:
                        outcome, degraded = skip, True
                    if degraded:
                        self._degraded.put((key, concept_key), outcome, retry_after_s)
                    by_spec[key] = outcome
                if isinstance(outcome, _SkippedError):
                    skipped.append(Skip(cls.__name__, outcome.reason))
                elif outcome:
                    matches.append(Match(self._id_of[id(feature)], feature, outcome))
        return matches, skipped

    def _assign(self, anchor: Any, concept: Any) -> tuple[list[Any], bool]:
        """siibra's assignments of an anchor to a concept, and whether an
        upstream failure made them incomplete.

        Raises:
            _SkippedError: matching failed, or needed an upstream host that
                failed and found nothing without it.
        """
        current = _scope.current()
        failures = current.failure_count if current is not None else 0
        mark = self._rollback.mark()
        try:
            assignments = list(anchor.assign(concept))
        except Exception as error:
            self._forget(anchor, concept, mark)
            raise _SkippedError(_reason(error, current, failures)) from error
        if current is not None and current.failure_count > failures:
            # siibra swallowed an upstream failure and cached what it found
            # without that host; forget it, so the next call asks again.
            self._forget(anchor, concept, mark)
            if not assignments:
                raise _SkippedError(short(current.failures_since(failures)))
            return assignments, True
        return assignments, False

    def _forget(self, anchor: Any, concept: Any, mark: tuple[int, ...]) -> None:
        anchor._assignments.pop(concept, None)
        self._rollback.rollback(mark)

    def _run_live_queries(
        self,
        classes: Sequence[type],
        spec: ConceptSpec,
        concept: Any,
        genes: Sequence[str],
        retry_after_s: float,
    ) -> tuple[list[Match], list[Skip]]:
        matches: list[Match] = []
        skipped: list[Skip] = []
        species = _species_of(concept)
        for cls in classes:
            for query_type in cls.__dict__.get("_live_queries", []):
                query_spec = LIVE_QUERIES.get(query_type.__name__, DEFAULT_LIVE_QUERY)
                if spec.kind not in query_spec.kinds:
                    continue
                if spec.kind == SPACE and spec.box is None:
                    continue
                if query_spec.species and species not in query_spec.species:
                    continue
                kwargs: dict[str, Any] = {}
                if "gene" in query_type._query_args:
                    if not genes:
                        continue
                    kwargs["gene"] = list(genes)
                memo_key = (query_type.__name__, tuple(genes), spec.key(), _mirrors())
                failed = self._degraded.get(memo_key, retry_after_s)
                if failed is not None:
                    skipped.append(Skip(cls.__name__, failed.reason))
                    continue
                current = _scope.current()
                failures = current.failure_count if current is not None else 0
                try:
                    found = list(query_type(**kwargs).query(concept))
                except Exception as error:
                    skip = _SkippedError(_reason(error, current, failures))
                    self._degraded.put(memo_key, skip, retry_after_s)
                    skipped.append(Skip(cls.__name__, skip.reason))
                    continue
                for feature in found:
                    live_id = ids.encode_live(
                        ids.LiveId(
                            type(feature).__name__, spec, feature.id, tuple(genes)
                        )
                    )
                    assignments = list(feature.anchor._assignments.get(concept) or [])
                    matches.append(Match(live_id, feature, assignments))
        return matches, skipped

    def _group(self, matches: Sequence[Match], spec: ConceptSpec) -> list[Entry]:
        from siibra.features.feature import Compoundable

        entries: list[Entry] = []
        groups: dict[tuple[type, tuple[str, ...], str], list[Match]] = defaultdict(list)
        for match in matches:
            feature = match.feature
            if isinstance(feature, Compoundable):
                key = tuple(str(v) for v in feature._compound_key)
                anchor_spec = str(feature.anchor._regionspec or "")
                groups[type(feature), key, anchor_spec].append(match)
            else:
                entries.append(match)
        for (cls, key, anchor_spec), members in groups.items():
            indices = [element_index(m.feature) for m in members]
            if len(set(indices)) < len(indices):
                # Elements a compound could not tell apart: list them singly.
                _LOGGER.debug("not compounding %s %s: repeated indices", cls, key)
                entries.extend(members)
                continue
            members.sort(key=lambda m: natural_key(element_index(m.feature)))
            compound_id = ids.encode_compound(
                ids.CompoundId(cls.__name__, key, anchor_spec, spec)
            )
            entries.append(Compound(compound_id, cls, key, anchor_spec, members))
        return entries

    # -- get by id ----------------------------------------------------------

    def get(
        self, feature_id: str, retry_after_s: float = DEFAULT_RETRY_AFTER_S
    ) -> Entry:
        """The feature an id names.

        Raises:
            InvalidArgumentError: a malformed id.
            NotFoundError: no feature has that id.
            UnavailableError: finding it needs an upstream host that failed.
        """
        decoded = ids.decode(feature_id)
        with self._lock:
            self._index()
            if isinstance(decoded, str):
                feature = self._by_id.get(decoded)
                if feature is None:
                    raise NotFoundError("feature", feature_id)
                return Match(feature_id, feature)
        if isinstance(decoded, ids.CompoundId):
            return self._get_compound(feature_id, decoded, retry_after_s)
        return self._get_live(feature_id, decoded, retry_after_s)

    def _type_named(self, name: str, feature_id: str) -> type:
        for cls in self.feature_classes():
            if cls.__name__ == name:
                return cls
        raise NotFoundError("feature", feature_id)

    def _get_compound(
        self, feature_id: str, wanted: ids.CompoundId, retry_after_s: float
    ) -> Compound:
        cls = self._type_named(wanted.type_name, feature_id)
        # Its elements are those of the query it came from.
        listing = self.list_features(
            wanted.concept, [cls.__name__], retry_after_s=retry_after_s
        )
        for entry in listing.entries:
            if isinstance(entry, Compound) and entry.feature_id == feature_id:
                return entry
        if listing.skipped:
            raise _unavailable(listing.skipped)
        raise NotFoundError("feature", feature_id)

    def _get_live(
        self, feature_id: str, wanted: ids.LiveId, retry_after_s: float
    ) -> Match:
        cls = self._type_named(wanted.type_name, feature_id)
        with self._lock:
            concept = self.resolve(wanted.concept)
        found, skipped = self._run_live_queries(
            [cls], wanted.concept, concept, wanted.genes, retry_after_s
        )
        for match in found:
            if match.feature_id == feature_id:
                return match
        if skipped:
            raise _unavailable(skipped)
        raise NotFoundError("feature", feature_id)

    # -- data ---------------------------------------------------------------

    def data(self, entry: Entry) -> tuple[Any, str]:
        """A feature's table (a pandas DataFrame) and the unit of its values;
        for a compound, the mean over its elements as siibra computes it.

        Raises:
            Exception: whatever siibra raises when its data cannot be read;
                inside a fetch scope, failed fetches become UNAVAILABLE.
        """
        if isinstance(entry, Compound):
            members = [m.feature for m in entry.members]
            first = members[0]
            value = entry.feature_type._merge_elements(
                elements=members,
                # The configured text: siibra's property asks the Knowledge
                # Graph, and a merged table does not need it.
                description=str(first._description or ""),
                modality=first.modality,
                anchor=first.anchor,
            )
        else:
            value = entry.feature
        frame = value.data
        return frame, _unit(value)

    # -- related regions ----------------------------------------------------

    def related_regions(self, spec: ConceptSpec) -> tuple[Any, list[Any]]:
        """A region and siibra's assessments of the regions related to it.

        Raises:
            NotFoundError: the region is unknown.
        """
        with self._lock:
            region = self.resolve(spec)
            return region, list(region.get_related_regions())


def _reason(error: Exception, current: Any, failures: int) -> str:
    """Why a step failed: the upstream failures it saw, else its error."""
    if isinstance(error, ServiceError):
        return short(error.message)
    if current is not None and current.failure_count > failures:
        return short(current.failures_since(failures))
    return short(f"{type(error).__name__}: {error}" if str(error) else repr(error))


def _mirrors() -> tuple[Any, ...]:
    current = _scope.current()
    return tuple(current.policy.mirrors) if current is not None else ()


def _unit(value: Any) -> str:
    try:
        unit = value.unit
    except Exception:  # siibra raises for profiles that give none
        return ""
    return "" if unit is None else str(unit)


def _species_key(anchor: Any) -> tuple[str, ...]:
    return tuple(sorted(str(s) for s in anchor.species))


def _unavailable(skipped: Sequence[Skip]) -> ServiceError:
    return UnavailableError("; ".join(dict.fromkeys(s.reason for s in skipped)))


def _lookup(table: Any, spec: str, kind: str) -> Any:
    try:
        return table.get(spec)
    except Exception:
        raise NotFoundError(kind, spec) from None


def _has_location(anchor: Any) -> bool:
    if anchor._location_cached is not None:
        return True
    # An image's anchor computes its box from the image on first use.
    return hasattr(anchor, "volume")


def _species_of(concept: Any) -> str:
    species = getattr(concept, "species", None)
    if species is None and getattr(concept, "space", None) is not None:
        species = concept.space.species
    return str(species) if species is not None else ""


def _first_paragraph(doc: str | None) -> str:
    if not doc:
        return ""
    paragraphs = [p for p in doc.strip().split("\n\n") if p.strip()]
    return " ".join(paragraphs[0].split()) if paragraphs else ""


def _entry_order(entry: Entry) -> tuple[Any, ...]:
    if isinstance(entry, Compound):
        rank = min(best_qualification(m.assignments) for m in entry.members)
        return (
            rank,
            entry.type_name,
            entry.anchor_spec,
            entry.compound_key,
            entry.feature_id,
        )
    return (
        best_qualification(entry.assignments),
        type(entry.feature).__name__,
        str(entry.feature.name),
        (),
        entry.feature_id,
    )


def _aggregate(skipped: Iterable[Skip]) -> list[Skip]:
    counts: Counter[tuple[str, str]] = Counter()
    for skip in skipped:
        counts[skip.type_name, skip.reason] += skip.count
    return [
        Skip(type_name, reason, count)
        for (type_name, reason), count in sorted(counts.items())
    ]


_ENGINE: FeatureEngine | None = None
_ENGINE_LOCK = threading.Lock()


def engine(load_siibra: Callable[[], ModuleType]) -> FeatureEngine:
    """The process's engine, created on first use with siibra from ``load_siibra``."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = FeatureEngine(load_siibra())
        return _ENGINE
