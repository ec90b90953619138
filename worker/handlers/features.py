"""The FeatureService and RegionRelationService calls that need siibra.

Each handler runs siibra inside a :func:`~upstream.scope.fetch_scope`, so its
fetches go to the configured mirrors, spend one byte budget, and failures
that siibra swallows still decide the answer: a listing counts the features
they left out; data and relations fail with UNAVAILABLE.

The server resolves names with the metadata index before it dispatches, but
handlers also accept requests as clients wrote them (long-running operations
pass them through unchanged): the engine then resolves them with siibra.

Complete listings and feature data are kept in memory per process (the
configuration, and so the answer, never changes while it runs); partial
listings and failures are computed again.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Generic, TypeVar

from google.api import httpbody_pb2

from catalog.paging import fingerprint, paginate
from catalog.snapshot import data_version
from serializers import features as serialize
from serializers import tables
from server.errors import InvalidArgumentError
from siibragrpc.v1 import features_pb2
from upstream.scope import FetchScope, fetch_scope
from worker import runtime
from worker.calls import method_name, register
from worker.criticality import Criticality
from worker.features.engine import FeatureEngine, engine
from worker.features.ids import PARCELLATION, REGION, SPACE, ConceptSpec
from worker.features.model import Compound, Entry, Listing, Skip

_LOGGER = logging.getLogger(__name__)

_FEATURES = features_pb2.DESCRIPTOR.services_by_name["FeatureService"]
_RELATIONS = features_pb2.DESCRIPTOR.services_by_name["RegionRelationService"]
LIST_FEATURE_TYPES = method_name(_FEATURES, "ListFeatureTypes")
LIST_FEATURES = method_name(_FEATURES, "ListFeatures")
GET_FEATURE = method_name(_FEATURES, "GetFeature")
GET_FEATURE_DATA = method_name(_FEATURES, "GetFeatureData")
GET_FEATURE_DATA_CSV = method_name(_FEATURES, "GetFeatureDataCsv")
LIST_RELATED_REGIONS = method_name(_RELATIONS, "ListRelatedRegions")

CSV_CONTENT_TYPE = "text/csv"
# Complete listings kept per process, least recently used out first.
LISTING_CACHE_SIZE = 512
# Feature tables kept per process: a compound's mean over 200 connectivity
# matrices reads and averages all of them (seconds); the largest table is a
# few MB.
DATA_CACHE_SIZE = 16
# Each gene is one query of the Allen Brain Atlas API.
MAX_GENES = 20
_INDEX_NAMES = {
    features_pb2.DATA_KIND_PROFILE: "depth",
    features_pb2.DATA_KIND_MATRIX: "region",
}


def concept_spec(request: features_pb2.ListFeaturesRequest) -> ConceptSpec:
    """The query concept a listing request names.

    Raises:
        InvalidArgumentError: no query, several, or a malformed bounding box.
    """
    parcellation = request.parcellation_id.strip()
    region = request.region_id.strip()
    space = request.space_id.strip()
    has_box = request.HasField("bounding_box")
    if space and (parcellation or region):
        raise InvalidArgumentError(
            "give either a space or a parcellation (and region), not both", "space_id"
        )
    if has_box and not space:
        raise InvalidArgumentError("a bounding_box needs a space_id", "bounding_box")
    if region and not parcellation:
        raise InvalidArgumentError(
            "a region_id needs its parcellation_id", "parcellation_id"
        )
    if space:
        return ConceptSpec(
            SPACE, space_id=space, box=_box(request) if has_box else None
        )
    if region:
        return ConceptSpec(REGION, parcellation_id=parcellation, region=region)
    if parcellation:
        return ConceptSpec(PARCELLATION, parcellation_id=parcellation)
    raise InvalidArgumentError(
        "give a region (parcellation_id and region_id), a parcellation_id, "
        "or a space_id",
        "parcellation_id",
    )


def _box(
    request: features_pb2.ListFeaturesRequest,
) -> tuple[float, float, float, float, float, float]:
    """Raises: InvalidArgumentError: a corner is missing or not finite."""
    box = request.bounding_box
    if not (box.HasField("min_point") and box.HasField("max_point")):
        raise InvalidArgumentError(
            "bounding_box needs min_point and max_point", "bounding_box"
        )
    low, high = box.min_point, box.max_point
    values = (low.x, low.y, low.z, high.x, high.y, high.z)
    if not all(abs(v) != float("inf") and v == v for v in values):
        raise InvalidArgumentError(
            "bounding_box coordinates must be finite numbers", "bounding_box"
        )
    # siibra orders the corners itself; so do we, for one cache key per box.
    return (
        min(low.x, high.x),
        min(low.y, high.y),
        min(low.z, high.z),
        max(low.x, high.x),
        max(low.y, high.y),
        max(low.z, high.z),
    )


def _engine() -> FeatureEngine:
    return engine(runtime.siibra)


@contextmanager
def _fetching() -> Iterator[FetchScope]:
    with fetch_scope(runtime.settings().upstream_policy) as scope:
        yield scope


def _retry_after_s() -> float:
    return runtime.settings().feature_retry_after_s


@functools.cache
def _data_version(configuration: Path | None) -> str:
    return data_version(configuration)


@runtime.register_warmup(Criticality.FEATURES)
def warm_features() -> None:
    """Indexes every configured feature and decodes their anchors' regions:
    the seconds that the first listing in a process would otherwise pay."""
    _engine().warm()
    _data_version(runtime.settings().configuration)


T = TypeVar("T")


class _Recent(Generic[T]):
    """Answers by key; bounded, the least recently used out first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> T | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, value: T) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_LISTINGS: _Recent[tuple[features_pb2.Feature, ...]] = _Recent(LISTING_CACHE_SIZE)
_DATA: _Recent[features_pb2.FeatureData] = _Recent(DATA_CACHE_SIZE)


def _serialized(listing: Listing) -> tuple[list[features_pb2.Feature], list[Skip]]:
    """Each entry as a message; one that siibra cannot describe is skipped."""
    messages = []
    skipped = list(listing.skipped)
    for entry in listing.entries:
        try:
            messages.append(serialize.entry(entry))
        except Exception as error:
            type_name = _type_name(entry)
            _LOGGER.warning("feature %s left out: %s", entry.feature_id, error)
            skipped.append(Skip(type_name, f"cannot be described: {error}"[:240]))
    return messages, skipped


def _type_name(entry: Entry) -> str:
    if isinstance(entry, Compound):
        return entry.type_name
    return type(entry.feature).__name__


@register(
    LIST_FEATURE_TYPES, features_pb2.ListFeatureTypesRequest, Criticality.FEATURES
)
def list_feature_types(
    request: features_pb2.ListFeatureTypesRequest,
) -> features_pb2.ListFeatureTypesResponse:
    """siibra's feature type hierarchy."""
    types = _engine().types()
    return features_pb2.ListFeatureTypesResponse(
        feature_types=[serialize.feature_type(info) for info in types]
    )


def _listing_key(spec: ConceptSpec, types: Sequence[str], genes: Sequence[str]) -> str:
    return "\0".join(
        (spec.key(), ",".join(sorted(t.lower() for t in types)), ",".join(genes))
    )


@register(
    LIST_FEATURES,
    features_pb2.ListFeaturesRequest,
    Criticality.FEATURES,
    completeness=lambda response: response.skipped_count == 0,
)
def list_features(
    request: features_pb2.ListFeaturesRequest,
) -> features_pb2.ListFeaturesResponse:
    """The features anchored to a concept, one page of them.

    Raises:
        InvalidArgumentError: a malformed query, an unknown type, a bad page.
        NotFoundError: the parcellation, region or space is unknown.
    """
    spec = concept_spec(request)
    types = [t.strip() for t in request.types if t.strip()]
    genes = [g.strip() for g in request.genes if g.strip()]
    if len(genes) > MAX_GENES:
        raise InvalidArgumentError(f"at most {MAX_GENES} genes per listing", "genes")
    key = _listing_key(spec, types, genes)
    features = _LISTINGS.get(key)
    skipped: list[Skip] = []
    if features is None:
        with _fetching():
            listing = _engine().list_features(spec, types, genes, _retry_after_s())
        messages, skipped = _serialized(listing)
        features = tuple(messages)
        if not skipped:
            _LISTINGS.put(key, features)
    version = _data_version(runtime.settings().configuration)
    page = paginate(
        features,
        request.page_size,
        request.page_token,
        fingerprint(type(request).__name__, version, key),
    )
    grouped = _group_skips(skipped)
    return features_pb2.ListFeaturesResponse(
        features=page.items,
        next_page_token=page.next_page_token,
        total_size=page.total_size,
        skipped_count=sum(s.count for s in grouped),
        skipped=grouped,
    )


def _group_skips(skipped: Sequence[Skip]) -> list[features_pb2.SkippedFeatures]:
    counts: dict[tuple[str, str], int] = {}
    for skip in skipped:
        counts[skip.type_name, skip.reason] = (
            counts.get((skip.type_name, skip.reason), 0) + skip.count
        )
    return [
        features_pb2.SkippedFeatures(type=type_name, count=count, reason=reason)
        for (type_name, reason), count in sorted(counts.items())
    ]


def _get(feature_id: str) -> Entry:
    """Raises: InvalidArgumentError, NotFoundError, UnavailableError."""
    return _engine().get(feature_id, _retry_after_s())


@register(GET_FEATURE, features_pb2.GetFeatureRequest, Criticality.FEATURES)
def get_feature(request: features_pb2.GetFeatureRequest) -> features_pb2.Feature:
    """One feature by id; a compound with its elements.

    Raises:
        InvalidArgumentError: a malformed id.
        NotFoundError: no feature has that id.
        UnavailableError: finding it needs an upstream host that failed.
    """
    with _fetching():
        entry = _get(request.feature_id)
        return serialize.entry(entry, with_elements=True)


def _name(entry: Entry) -> str:
    if isinstance(entry, Compound):
        return serialize.compound_name(entry)
    return str(entry.feature.name)


def _feature_data(feature_id: str) -> features_pb2.FeatureData:
    """Raises: InvalidArgumentError, NotFoundError, UnavailableError,
    ResourceExhaustedError."""
    cached = _DATA.get(feature_id)
    if cached is not None:
        return cached
    with _fetching():
        entry = _get(feature_id)
        kind = serialize.data_kind(
            entry.feature_type if isinstance(entry, Compound) else type(entry.feature)
        )
        if kind == features_pb2.DATA_KIND_UNSPECIFIED:
            raise InvalidArgumentError(
                f"{_type_name(entry)} features have no tabular data", "feature_id"
            )
        frame, unit = _engine().data(entry)
    message = features_pb2.FeatureData(
        feature=serialize.resource(feature_id, _name(entry)),
        kind=kind,
        table=tables.table_from_frame(frame, _INDEX_NAMES.get(kind, "")),
        unit=unit,
    )
    if kind == features_pb2.DATA_KIND_MATRIX:
        message.regions.extend(serialize.matrix_regions(frame.index))
    _DATA.put(feature_id, message)
    return message


@register(GET_FEATURE_DATA, features_pb2.GetFeatureDataRequest, Criticality.FEATURES)
def get_feature_data(
    request: features_pb2.GetFeatureDataRequest,
) -> features_pb2.FeatureData:
    """A feature's table; a compound's mean over its elements.

    Raises:
        InvalidArgumentError: a malformed id, or a feature without a table.
        NotFoundError: no feature has that id.
        UnavailableError: its data host (or the mirror) failed.
        ResourceExhaustedError: its data are over the fetch limit.
    """
    return _feature_data(request.feature_id)


@register(
    GET_FEATURE_DATA_CSV, features_pb2.GetFeatureDataCsvRequest, Criticality.FEATURES
)
def get_feature_data_csv(
    request: features_pb2.GetFeatureDataCsvRequest,
) -> httpbody_pb2.HttpBody:
    """The same table as CSV.

    Raises:
        As :func:`get_feature_data`.
    """
    data = _feature_data(request.feature_id)
    return httpbody_pb2.HttpBody(
        content_type=CSV_CONTENT_TYPE,
        data=tables.csv_from_table(data.table).encode(),
    )


@register(
    LIST_RELATED_REGIONS, features_pb2.ListRelatedRegionsRequest, Criticality.FEATURES
)
def list_related_regions(
    request: features_pb2.ListRelatedRegionsRequest,
) -> features_pb2.ListRelatedRegionsResponse:
    """Other versions and homologues of a region, from EBRAINS documents.

    Raises:
        InvalidArgumentError: no region given.
        NotFoundError: the parcellation or region is unknown.
        UnavailableError: the documents' host (or the mirror) failed.
    """
    if not (request.parcellation_id.strip() and request.region_id.strip()):
        raise InvalidArgumentError(
            "give a parcellation_id and a region_id", "region_id"
        )
    spec = ConceptSpec(
        REGION,
        parcellation_id=request.parcellation_id.strip(),
        region=request.region_id.strip(),
    )
    with _fetching():
        region, assessments = _engine().related_regions(spec)
        return serialize.related_regions(region, assessments)
