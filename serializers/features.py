"""siibra data features, their types and related regions as messages.

Only what siibra holds without the network is read: configured names,
descriptions and publications, anchors and locations. siibra's properties
that fall back to the EBRAINS Knowledge Graph (``Feature.description``,
``Feature.LICENSE``, ``urls`` of EBRAINS datasets) are avoided, so a listing
is the same offline and online, in a fresh process or an old one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from serializers.common import doi_from_url, ref
from siibragrpc.v1 import common_pb2, features_pb2, maps_pb2
from worker.features.ids import PARCELLATION, REGION, SPACE
from worker.features.model import Compound, Entry, Match, TypeInfo, element_index
from worker.features.model import readable_type_name as _readable

_CONCEPT_KINDS = {
    REGION: features_pb2.CONCEPT_KIND_REGION,
    PARCELLATION: features_pb2.CONCEPT_KIND_PARCELLATION,
    SPACE: features_pb2.CONCEPT_KIND_SPACE,
}
_QUALIFICATION_NAMES = frozenset(features_pb2.Qualification.keys())
# The EBRAINS Knowledge Graph's search page of any instance id.
KG_SEARCH_URL = "https://search.kg.ebrains.eu/instances/{}"


def feature_type(info: TypeInfo) -> features_pb2.FeatureType:
    return features_pb2.FeatureType(
        name=info.name,
        parent=info.parent,
        category=info.category,
        description=info.description,
        query_concepts=sorted(_CONCEPT_KINDS[c] for c in info.concepts),
        configured_count=info.configured_count,
        live_query=info.live_query,
        children=list(info.children),
    )


def qualification(value: Any) -> int:
    """siibra's ``Qualification`` as the enum value of the same name;
    UNSPECIFIED for one the contract does not know."""
    name = f"QUALIFICATION_{getattr(value, 'name', '')}"
    if name not in _QUALIFICATION_NAMES:
        return features_pb2.QUALIFICATION_UNSPECIFIED
    return int(features_pb2.Qualification.Value(name))


def data_kind(feature_type: type) -> int:
    """What GetFeatureData returns for features of a type."""
    names = {cls.__name__ for cls in feature_type.__mro__}
    if "RegionalConnectivity" in names:
        return features_pb2.DATA_KIND_MATRIX
    if "CorticalProfile" in names:
        return features_pb2.DATA_KIND_PROFILE
    if "Tabular" in names:
        return features_pb2.DATA_KIND_TABLE
    return features_pb2.DATA_KIND_UNSPECIFIED


def _coordinates(point: Any) -> maps_pb2.Coordinates:
    x, y, z = (float(c) for c in point.coordinate)
    return maps_pb2.Coordinates(x=x, y=y, z=z)


def location(value: Any) -> features_pb2.FeatureLocation | None:
    """A siibra point, point cloud or bounding box; None for anything else."""
    if value is None:
        return None
    kind = type(value).__name__
    space = getattr(value, "space", None)
    message = features_pb2.FeatureLocation()
    if space is not None:
        message.space.CopyFrom(ref(space))
    if kind == "Point":
        message.points.append(_coordinates(value))
    elif kind == "PointCloud":
        message.points.extend(
            maps_pb2.Coordinates(x=float(x), y=float(y), z=float(z))
            for x, y, z in value.coordinates
        )
    elif kind == "BoundingBox":
        message.bounding_box.min_point.CopyFrom(_coordinates(value.minpoint))
        message.bounding_box.max_point.CopyFrom(_coordinates(value.maxpoint))
    else:
        return None
    return message


def _configured_location(anchor: Any) -> Any:
    # An image's anchor would read the image to compute its box: use the box
    # the configuration gives, if any.
    if anchor._location_cached is not None:
        return anchor._location_cached
    volume = getattr(anchor, "volume", None)
    return getattr(volume, "_boundingbox", None)


def _anchor_region(region: Any, how: Any) -> features_pb2.AnchorRegion:
    parcellation = getattr(region, "parcellation", None) or region
    return features_pb2.AnchorRegion(
        region=ref(region),
        parcellation=ref(parcellation),
        qualification=qualification(how),
    )


def _structure_name(structure: Any) -> str:
    name = getattr(structure, "name", None)
    return name if isinstance(name, str) else str(structure)


def relations(assignments: Iterable[Any]) -> list[features_pb2.AnchorRelation]:
    """siibra's assignments of an anchor to a query, without repeats."""
    seen: dict[str, features_pb2.AnchorRelation] = {}
    for assignment in assignments:
        text = str(assignment)
        if text in seen:
            continue
        # siibra assigns the anchor's structure (query_structure) to the
        # concept asked about (assigned_structure).
        seen[text] = features_pb2.AnchorRelation(
            anchored_structure=_structure_name(assignment.query_structure),
            qualification=qualification(assignment.qualification),
            query_structure=_structure_name(assignment.assigned_structure),
            description=text,
        )
    return list(seen.values())


def anchor(
    value: Any, assignments: Iterable[Any] = (), locations: Sequence[Any] = ()
) -> features_pb2.FeatureAnchor:
    """A feature's anchor; ``locations`` overrides its own (compounds)."""
    message = features_pb2.FeatureAnchor(
        species=sorted(str(s) for s in value.species),
        region_spec=str(value._regionspec or ""),
        regions=[_anchor_region(r, how) for r, how in value.regions.items()],
        relations=relations(assignments),
    )
    found = _merged_locations(locations) if locations else None
    if found is None and not locations:
        found = location(_configured_location(value))
    if found is not None:
        message.location.CopyFrom(found)
    return message


def _merged_locations(values: Sequence[Any]) -> features_pb2.FeatureLocation | None:
    """The points of several features, when all are points in one space."""
    if not all(type(v).__name__ == "Point" for v in values):
        return None
    spaces = {v.space.id for v in values}
    if len(spaces) != 1:
        return None
    merged = location(values[0])
    assert merged is not None
    merged.points.extend(_coordinates(v) for v in values[1:])
    return merged


def dataset(value: Any) -> features_pb2.FeatureDataset:
    """A dataset, as far as the configuration describes it.

    EBRAINS datasets are named in the configuration by id only; their
    titles, DOIs and licenses are in the EBRAINS Knowledge Graph.
    """
    kind = type(value).__name__
    if kind == "GenericDataset":
        url = str(value._url or "")
        doi = doi_from_url(url)
        return features_pb2.FeatureDataset(
            id=str(value.id),
            kind="publication",
            name=str(value._name or ""),
            dois=[doi] if doi else [],
            urls=[url] if url else [],
            license=str(value._license or ""),
            authors=[str(a) for a in value._contributors or []],
            description=str(value._description or ""),
        )
    kinds = {
        "EbrainsV3DatasetVersion": "EBRAINS dataset version",
        "EbrainsV3Dataset": "EBRAINS dataset",
        "EbrainsDataset": "EBRAINS dataset (v1)",
    }
    dataset_id = str(getattr(value, "id", "") or "")
    uuid = dataset_id.rsplit("/", 1)[-1]
    return features_pb2.FeatureDataset(
        id=dataset_id,
        kind=kinds.get(kind, kind),
        urls=[KG_SEARCH_URL.format(uuid)] if uuid else [],
    )


def _datasets(features: Iterable[Any]) -> list[features_pb2.FeatureDataset]:
    result: dict[str, features_pb2.FeatureDataset] = {}
    for feature in features:
        for value in feature.datasets:
            message = dataset(value)
            result.setdefault(f"{message.kind}\0{message.id}", message)
    return list(result.values())


def description(feature: Any) -> str:
    """The configured description, or siibra's for its type."""
    names = {cls.__name__ for cls in type(feature).__mro__}
    if "Image" in names:
        return str(feature.description)  # built from modality and anchor
    if "EbrainsDataFeature" in names:
        return ""  # only in the Knowledge Graph
    return str(feature._description or "")


def _name(feature: Any) -> str:
    return str(feature.name)


def feature(match: Match, with_relations: bool = True) -> features_pb2.Feature:
    """A single feature.

    Raises:
        Exception: siibra failed to describe it (e.g. a live-query feature
            whose name is in the Knowledge Graph); callers skip it.
    """
    value = match.feature
    return features_pb2.Feature(
        id=match.feature_id,
        type=type(value).__name__,
        name=_name(value),
        category=str(value.category or ""),
        modality=str(value.modality or ""),
        description=description(value),
        anchor=anchor(value.anchor, match.assignments if with_relations else ()),
        datasets=_datasets([value]),
        data_kind=data_kind(type(value)),
    )


def compound_name(compound: Compound) -> str:
    """siibra's name of a compound, e.g. "200 Streamline Counts features
    cohort: HCP"."""
    grouped_by = ", ".join(
        f"{attr}: {value}"
        for attr, value in compound.attributes().items()
        if attr != "modality"
    )
    name = f"{len(compound.members)} {_readable(compound.type_name)} features"
    if grouped_by:
        name += f" {grouped_by}"
    if all(m.feature._prerelease for m in compound.members):
        name = f"[PRERELEASE] {name}"
    return name


def compound(
    value: Compound, with_relations: bool = True, with_elements: bool = False
) -> features_pb2.Feature:
    members = [m.feature for m in value.members]
    first = members[0]
    locations = [_configured_location(f.anchor) for f in members]
    message = features_pb2.Feature(
        id=value.feature_id,
        type=value.type_name,
        name=compound_name(value),
        category=str(first.category or ""),
        modality=str(first.modality or ""),
        description="\n".join(dict.fromkeys(d for d in map(description, members) if d)),
        anchor=anchor(
            first.anchor,
            [a for m in value.members for a in m.assignments] if with_relations else (),
            locations if all(loc is not None for loc in locations) else (),
        ),
        datasets=_datasets(members),
        data_kind=data_kind(value.feature_type),
        compound=True,
        element_count=len(members),
    )
    if with_elements:
        message.elements.extend(
            features_pb2.FeatureElement(
                id=m.feature_id, name=_name(m.feature), index=element_index(m.feature)
            )
            for m in value.members
        )
    return message


def entry(
    value: Entry, with_relations: bool = True, with_elements: bool = False
) -> features_pb2.Feature:
    if isinstance(value, Compound):
        return compound(value, with_relations, with_elements)
    return feature(value, with_relations)


def related_region(assessment: Any) -> features_pb2.RelatedRegion:
    region = assessment.assigned_structure
    parcellation = getattr(region, "parcellation", None) or region
    species = getattr(region, "species", None)
    return features_pb2.RelatedRegion(
        region=ref(region),
        parcellation=ref(parcellation),
        species=str(species) if species is not None else "",
        qualification=qualification(assessment.qualification),
        description=str(assessment),
    )


def related_regions(
    region: Any, assessments: Iterable[Any]
) -> features_pb2.ListRelatedRegionsResponse:
    """Other versions first, then homologues; each region once per relation."""
    unique: dict[tuple[str, int], features_pb2.RelatedRegion] = {}
    for assessment in assessments:
        message = related_region(assessment)
        unique.setdefault((message.region.id, message.qualification), message)
    order = {
        features_pb2.QUALIFICATION_OTHER_VERSION: 0,
        features_pb2.QUALIFICATION_HOMOLOGOUS: 1,
    }
    ordered = sorted(unique.values(), key=lambda m: order.get(m.qualification, 2))
    return features_pb2.ListRelatedRegionsResponse(
        region=ref(region), related_regions=ordered
    )


def matrix_regions(labels: Iterable[Any]) -> list[common_pb2.ResourceRef]:
    """The region of each row of a connectivity matrix; a row siibra decodes
    to several regions names the first."""
    result = []
    for value in labels:
        first = value[0] if isinstance(value, tuple) and value else value
        if hasattr(first, "id") and hasattr(first, "name"):
            result.append(ref(first))
        else:
            result.append(common_pb2.ResourceRef(name=str(first)))
    return result


def resource(feature_id: str, name: str) -> common_pb2.ResourceRef:
    return common_pb2.ResourceRef(id=feature_id, name=name)
