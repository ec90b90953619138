from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from siibragrpc.v1 import common_pb2 as _common_pb2
from siibragrpc.v1 import maps_pb2 as _maps_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ConceptKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONCEPT_KIND_UNSPECIFIED: _ClassVar[ConceptKind]
    CONCEPT_KIND_REGION: _ClassVar[ConceptKind]
    CONCEPT_KIND_PARCELLATION: _ClassVar[ConceptKind]
    CONCEPT_KIND_SPACE: _ClassVar[ConceptKind]

class Qualification(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUALIFICATION_UNSPECIFIED: _ClassVar[Qualification]
    QUALIFICATION_EXACT: _ClassVar[Qualification]
    QUALIFICATION_APPROXIMATE: _ClassVar[Qualification]
    QUALIFICATION_OTHER_VERSION: _ClassVar[Qualification]
    QUALIFICATION_CONTAINED: _ClassVar[Qualification]
    QUALIFICATION_CONTAINS: _ClassVar[Qualification]
    QUALIFICATION_OVERLAPS: _ClassVar[Qualification]
    QUALIFICATION_HOMOLOGOUS: _ClassVar[Qualification]

class DataKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATA_KIND_UNSPECIFIED: _ClassVar[DataKind]
    DATA_KIND_TABLE: _ClassVar[DataKind]
    DATA_KIND_MATRIX: _ClassVar[DataKind]
    DATA_KIND_PROFILE: _ClassVar[DataKind]

class ColumnType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COLUMN_TYPE_UNSPECIFIED: _ClassVar[ColumnType]
    COLUMN_TYPE_NUMBER: _ClassVar[ColumnType]
    COLUMN_TYPE_TEXT: _ClassVar[ColumnType]
    COLUMN_TYPE_FLAG: _ClassVar[ColumnType]
CONCEPT_KIND_UNSPECIFIED: ConceptKind
CONCEPT_KIND_REGION: ConceptKind
CONCEPT_KIND_PARCELLATION: ConceptKind
CONCEPT_KIND_SPACE: ConceptKind
QUALIFICATION_UNSPECIFIED: Qualification
QUALIFICATION_EXACT: Qualification
QUALIFICATION_APPROXIMATE: Qualification
QUALIFICATION_OTHER_VERSION: Qualification
QUALIFICATION_CONTAINED: Qualification
QUALIFICATION_CONTAINS: Qualification
QUALIFICATION_OVERLAPS: Qualification
QUALIFICATION_HOMOLOGOUS: Qualification
DATA_KIND_UNSPECIFIED: DataKind
DATA_KIND_TABLE: DataKind
DATA_KIND_MATRIX: DataKind
DATA_KIND_PROFILE: DataKind
COLUMN_TYPE_UNSPECIFIED: ColumnType
COLUMN_TYPE_NUMBER: ColumnType
COLUMN_TYPE_TEXT: ColumnType
COLUMN_TYPE_FLAG: ColumnType

class FeatureType(_message.Message):
    __slots__ = ("name", "parent", "category", "description", "query_concepts", "configured_count", "live_query", "children")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUERY_CONCEPTS_FIELD_NUMBER: _ClassVar[int]
    CONFIGURED_COUNT_FIELD_NUMBER: _ClassVar[int]
    LIVE_QUERY_FIELD_NUMBER: _ClassVar[int]
    CHILDREN_FIELD_NUMBER: _ClassVar[int]
    name: str
    parent: str
    category: str
    description: str
    query_concepts: _containers.RepeatedScalarFieldContainer[ConceptKind]
    configured_count: int
    live_query: bool
    children: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., parent: _Optional[str] = ..., category: _Optional[str] = ..., description: _Optional[str] = ..., query_concepts: _Optional[_Iterable[_Union[ConceptKind, str]]] = ..., configured_count: _Optional[int] = ..., live_query: _Optional[bool] = ..., children: _Optional[_Iterable[str]] = ...) -> None: ...

class ListFeatureTypesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListFeatureTypesResponse(_message.Message):
    __slots__ = ("feature_types",)
    FEATURE_TYPES_FIELD_NUMBER: _ClassVar[int]
    feature_types: _containers.RepeatedCompositeFieldContainer[FeatureType]
    def __init__(self, feature_types: _Optional[_Iterable[_Union[FeatureType, _Mapping]]] = ...) -> None: ...

class FeatureLocation(_message.Message):
    __slots__ = ("space", "points", "bounding_box")
    SPACE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    BOUNDING_BOX_FIELD_NUMBER: _ClassVar[int]
    space: _common_pb2.ResourceRef
    points: _containers.RepeatedCompositeFieldContainer[_maps_pb2.Coordinates]
    bounding_box: _maps_pb2.BoundingBox
    def __init__(self, space: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., points: _Optional[_Iterable[_Union[_maps_pb2.Coordinates, _Mapping]]] = ..., bounding_box: _Optional[_Union[_maps_pb2.BoundingBox, _Mapping]] = ...) -> None: ...

class AnchorRegion(_message.Message):
    __slots__ = ("region", "parcellation", "qualification")
    REGION_FIELD_NUMBER: _ClassVar[int]
    PARCELLATION_FIELD_NUMBER: _ClassVar[int]
    QUALIFICATION_FIELD_NUMBER: _ClassVar[int]
    region: _common_pb2.ResourceRef
    parcellation: _common_pb2.ResourceRef
    qualification: Qualification
    def __init__(self, region: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., parcellation: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., qualification: _Optional[_Union[Qualification, str]] = ...) -> None: ...

class AnchorRelation(_message.Message):
    __slots__ = ("anchored_structure", "qualification", "query_structure", "description")
    ANCHORED_STRUCTURE_FIELD_NUMBER: _ClassVar[int]
    QUALIFICATION_FIELD_NUMBER: _ClassVar[int]
    QUERY_STRUCTURE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    anchored_structure: str
    qualification: Qualification
    query_structure: str
    description: str
    def __init__(self, anchored_structure: _Optional[str] = ..., qualification: _Optional[_Union[Qualification, str]] = ..., query_structure: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class FeatureAnchor(_message.Message):
    __slots__ = ("species", "region_spec", "regions", "location", "relations")
    SPECIES_FIELD_NUMBER: _ClassVar[int]
    REGION_SPEC_FIELD_NUMBER: _ClassVar[int]
    REGIONS_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    RELATIONS_FIELD_NUMBER: _ClassVar[int]
    species: _containers.RepeatedScalarFieldContainer[str]
    region_spec: str
    regions: _containers.RepeatedCompositeFieldContainer[AnchorRegion]
    location: FeatureLocation
    relations: _containers.RepeatedCompositeFieldContainer[AnchorRelation]
    def __init__(self, species: _Optional[_Iterable[str]] = ..., region_spec: _Optional[str] = ..., regions: _Optional[_Iterable[_Union[AnchorRegion, _Mapping]]] = ..., location: _Optional[_Union[FeatureLocation, _Mapping]] = ..., relations: _Optional[_Iterable[_Union[AnchorRelation, _Mapping]]] = ...) -> None: ...

class FeatureDataset(_message.Message):
    __slots__ = ("id", "kind", "name", "dois", "urls", "license", "authors", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOIS_FIELD_NUMBER: _ClassVar[int]
    URLS_FIELD_NUMBER: _ClassVar[int]
    LICENSE_FIELD_NUMBER: _ClassVar[int]
    AUTHORS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    name: str
    dois: _containers.RepeatedScalarFieldContainer[str]
    urls: _containers.RepeatedScalarFieldContainer[str]
    license: str
    authors: _containers.RepeatedScalarFieldContainer[str]
    description: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., name: _Optional[str] = ..., dois: _Optional[_Iterable[str]] = ..., urls: _Optional[_Iterable[str]] = ..., license: _Optional[str] = ..., authors: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ...) -> None: ...

class FeatureElement(_message.Message):
    __slots__ = ("id", "name", "index")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    index: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., index: _Optional[str] = ...) -> None: ...

class Feature(_message.Message):
    __slots__ = ("id", "type", "name", "category", "modality", "description", "anchor", "datasets", "data_kind", "compound", "element_count", "elements")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    MODALITY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ANCHOR_FIELD_NUMBER: _ClassVar[int]
    DATASETS_FIELD_NUMBER: _ClassVar[int]
    DATA_KIND_FIELD_NUMBER: _ClassVar[int]
    COMPOUND_FIELD_NUMBER: _ClassVar[int]
    ELEMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    ELEMENTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    type: str
    name: str
    category: str
    modality: str
    description: str
    anchor: FeatureAnchor
    datasets: _containers.RepeatedCompositeFieldContainer[FeatureDataset]
    data_kind: DataKind
    compound: bool
    element_count: int
    elements: _containers.RepeatedCompositeFieldContainer[FeatureElement]
    def __init__(self, id: _Optional[str] = ..., type: _Optional[str] = ..., name: _Optional[str] = ..., category: _Optional[str] = ..., modality: _Optional[str] = ..., description: _Optional[str] = ..., anchor: _Optional[_Union[FeatureAnchor, _Mapping]] = ..., datasets: _Optional[_Iterable[_Union[FeatureDataset, _Mapping]]] = ..., data_kind: _Optional[_Union[DataKind, str]] = ..., compound: _Optional[bool] = ..., element_count: _Optional[int] = ..., elements: _Optional[_Iterable[_Union[FeatureElement, _Mapping]]] = ...) -> None: ...

class ListFeaturesRequest(_message.Message):
    __slots__ = ("parcellation_id", "region_id", "space_id", "bounding_box", "types", "page_size", "page_token", "genes")
    PARCELLATION_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    BOUNDING_BOX_FIELD_NUMBER: _ClassVar[int]
    TYPES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    GENES_FIELD_NUMBER: _ClassVar[int]
    parcellation_id: str
    region_id: str
    space_id: str
    bounding_box: _maps_pb2.BoundingBox
    types: _containers.RepeatedScalarFieldContainer[str]
    page_size: int
    page_token: str
    genes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, parcellation_id: _Optional[str] = ..., region_id: _Optional[str] = ..., space_id: _Optional[str] = ..., bounding_box: _Optional[_Union[_maps_pb2.BoundingBox, _Mapping]] = ..., types: _Optional[_Iterable[str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., genes: _Optional[_Iterable[str]] = ...) -> None: ...

class SkippedFeatures(_message.Message):
    __slots__ = ("type", "count", "reason")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    type: str
    count: int
    reason: str
    def __init__(self, type: _Optional[str] = ..., count: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class ListFeaturesResponse(_message.Message):
    __slots__ = ("features", "next_page_token", "total_size", "skipped_count", "skipped")
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_COUNT_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    features: _containers.RepeatedCompositeFieldContainer[Feature]
    next_page_token: str
    total_size: int
    skipped_count: int
    skipped: _containers.RepeatedCompositeFieldContainer[SkippedFeatures]
    def __init__(self, features: _Optional[_Iterable[_Union[Feature, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., skipped_count: _Optional[int] = ..., skipped: _Optional[_Iterable[_Union[SkippedFeatures, _Mapping]]] = ...) -> None: ...

class GetFeatureRequest(_message.Message):
    __slots__ = ("feature_id",)
    FEATURE_ID_FIELD_NUMBER: _ClassVar[int]
    feature_id: str
    def __init__(self, feature_id: _Optional[str] = ...) -> None: ...

class Cell(_message.Message):
    __slots__ = ("number", "text", "flag")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    number: float
    text: str
    flag: bool
    def __init__(self, number: _Optional[float] = ..., text: _Optional[str] = ..., flag: _Optional[bool] = ...) -> None: ...

class Column(_message.Message):
    __slots__ = ("name", "type", "cells")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CELLS_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: ColumnType
    cells: _containers.RepeatedCompositeFieldContainer[Cell]
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[ColumnType, str]] = ..., cells: _Optional[_Iterable[_Union[Cell, _Mapping]]] = ...) -> None: ...

class Table(_message.Message):
    __slots__ = ("index", "columns", "row_count")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    index: Column
    columns: _containers.RepeatedCompositeFieldContainer[Column]
    row_count: int
    def __init__(self, index: _Optional[_Union[Column, _Mapping]] = ..., columns: _Optional[_Iterable[_Union[Column, _Mapping]]] = ..., row_count: _Optional[int] = ...) -> None: ...

class FeatureData(_message.Message):
    __slots__ = ("feature", "kind", "table", "regions", "unit")
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    REGIONS_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    feature: _common_pb2.ResourceRef
    kind: DataKind
    table: Table
    regions: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    unit: str
    def __init__(self, feature: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., kind: _Optional[_Union[DataKind, str]] = ..., table: _Optional[_Union[Table, _Mapping]] = ..., regions: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ..., unit: _Optional[str] = ...) -> None: ...

class GetFeatureDataRequest(_message.Message):
    __slots__ = ("feature_id",)
    FEATURE_ID_FIELD_NUMBER: _ClassVar[int]
    feature_id: str
    def __init__(self, feature_id: _Optional[str] = ...) -> None: ...

class GetFeatureDataCsvRequest(_message.Message):
    __slots__ = ("feature_id",)
    FEATURE_ID_FIELD_NUMBER: _ClassVar[int]
    feature_id: str
    def __init__(self, feature_id: _Optional[str] = ...) -> None: ...

class RelatedRegion(_message.Message):
    __slots__ = ("region", "parcellation", "species", "qualification", "description")
    REGION_FIELD_NUMBER: _ClassVar[int]
    PARCELLATION_FIELD_NUMBER: _ClassVar[int]
    SPECIES_FIELD_NUMBER: _ClassVar[int]
    QUALIFICATION_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    region: _common_pb2.ResourceRef
    parcellation: _common_pb2.ResourceRef
    species: str
    qualification: Qualification
    description: str
    def __init__(self, region: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., parcellation: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., species: _Optional[str] = ..., qualification: _Optional[_Union[Qualification, str]] = ..., description: _Optional[str] = ...) -> None: ...

class ListRelatedRegionsRequest(_message.Message):
    __slots__ = ("parcellation_id", "region_id")
    PARCELLATION_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    parcellation_id: str
    region_id: str
    def __init__(self, parcellation_id: _Optional[str] = ..., region_id: _Optional[str] = ...) -> None: ...

class ListRelatedRegionsResponse(_message.Message):
    __slots__ = ("region", "related_regions")
    REGION_FIELD_NUMBER: _ClassVar[int]
    RELATED_REGIONS_FIELD_NUMBER: _ClassVar[int]
    region: _common_pb2.ResourceRef
    related_regions: _containers.RepeatedCompositeFieldContainer[RelatedRegion]
    def __init__(self, region: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., related_regions: _Optional[_Iterable[_Union[RelatedRegion, _Mapping]]] = ...) -> None: ...

class Gene(_message.Message):
    __slots__ = ("symbol", "description")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    description: str
    def __init__(self, symbol: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class ListGenesRequest(_message.Message):
    __slots__ = ("prefix", "page_size", "page_token")
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    prefix: str
    page_size: int
    page_token: str
    def __init__(self, prefix: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListGenesResponse(_message.Message):
    __slots__ = ("genes", "next_page_token", "total_size")
    GENES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    genes: _containers.RepeatedCompositeFieldContainer[Gene]
    next_page_token: str
    total_size: int
    def __init__(self, genes: _Optional[_Iterable[_Union[Gene, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...
