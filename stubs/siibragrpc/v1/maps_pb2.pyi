from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from siibragrpc.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MapType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MAP_TYPE_UNSPECIFIED: _ClassVar[MapType]
    MAP_TYPE_LABELLED: _ClassVar[MapType]
    MAP_TYPE_STATISTICAL: _ClassVar[MapType]
MAP_TYPE_UNSPECIFIED: MapType
MAP_TYPE_LABELLED: MapType
MAP_TYPE_STATISTICAL: MapType

class MapIndex(_message.Message):
    __slots__ = ("volume", "label", "fragment")
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    FRAGMENT_FIELD_NUMBER: _ClassVar[int]
    volume: int
    label: int
    fragment: str
    def __init__(self, volume: _Optional[int] = ..., label: _Optional[int] = ..., fragment: _Optional[str] = ...) -> None: ...

class MappedRegion(_message.Message):
    __slots__ = ("region", "indices")
    REGION_FIELD_NUMBER: _ClassVar[int]
    INDICES_FIELD_NUMBER: _ClassVar[int]
    region: _common_pb2.ResourceRef
    indices: _containers.RepeatedCompositeFieldContainer[MapIndex]
    def __init__(self, region: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., indices: _Optional[_Iterable[_Union[MapIndex, _Mapping]]] = ...) -> None: ...

class Map(_message.Message):
    __slots__ = ("id", "name", "short_name", "key", "species", "map_type", "parcellation", "space", "description", "publications", "volume_formats", "volume_count", "fragments", "provides_image", "provides_mesh", "region_count", "regions")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SHORT_NAME_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    SPECIES_FIELD_NUMBER: _ClassVar[int]
    MAP_TYPE_FIELD_NUMBER: _ClassVar[int]
    PARCELLATION_FIELD_NUMBER: _ClassVar[int]
    SPACE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PUBLICATIONS_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FORMATS_FIELD_NUMBER: _ClassVar[int]
    VOLUME_COUNT_FIELD_NUMBER: _ClassVar[int]
    FRAGMENTS_FIELD_NUMBER: _ClassVar[int]
    PROVIDES_IMAGE_FIELD_NUMBER: _ClassVar[int]
    PROVIDES_MESH_FIELD_NUMBER: _ClassVar[int]
    REGION_COUNT_FIELD_NUMBER: _ClassVar[int]
    REGIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    short_name: str
    key: str
    species: str
    map_type: MapType
    parcellation: _common_pb2.ResourceRef
    space: _common_pb2.ResourceRef
    description: str
    publications: _containers.RepeatedCompositeFieldContainer[_common_pb2.Publication]
    volume_formats: _containers.RepeatedScalarFieldContainer[str]
    volume_count: int
    fragments: _containers.RepeatedScalarFieldContainer[str]
    provides_image: bool
    provides_mesh: bool
    region_count: int
    regions: _containers.RepeatedCompositeFieldContainer[MappedRegion]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., short_name: _Optional[str] = ..., key: _Optional[str] = ..., species: _Optional[str] = ..., map_type: _Optional[_Union[MapType, str]] = ..., parcellation: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., space: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., description: _Optional[str] = ..., publications: _Optional[_Iterable[_Union[_common_pb2.Publication, _Mapping]]] = ..., volume_formats: _Optional[_Iterable[str]] = ..., volume_count: _Optional[int] = ..., fragments: _Optional[_Iterable[str]] = ..., provides_image: _Optional[bool] = ..., provides_mesh: _Optional[bool] = ..., region_count: _Optional[int] = ..., regions: _Optional[_Iterable[_Union[MappedRegion, _Mapping]]] = ...) -> None: ...

class ListMapsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "parcellation_id", "space_id", "map_type")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PARCELLATION_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    MAP_TYPE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    parcellation_id: str
    space_id: str
    map_type: MapType
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., parcellation_id: _Optional[str] = ..., space_id: _Optional[str] = ..., map_type: _Optional[_Union[MapType, str]] = ...) -> None: ...

class ListMapsResponse(_message.Message):
    __slots__ = ("maps", "next_page_token", "total_size")
    MAPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    maps: _containers.RepeatedCompositeFieldContainer[Map]
    next_page_token: str
    total_size: int
    def __init__(self, maps: _Optional[_Iterable[_Union[Map, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetMapRequest(_message.Message):
    __slots__ = ("map_id",)
    MAP_ID_FIELD_NUMBER: _ClassVar[int]
    map_id: str
    def __init__(self, map_id: _Optional[str] = ...) -> None: ...

class Coordinates(_message.Message):
    __slots__ = ("x", "y", "z")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    Z_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    z: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ..., z: _Optional[float] = ...) -> None: ...

class AssignPointRequest(_message.Message):
    __slots__ = ("map_id", "coordinates", "space_id", "sigma_mm")
    MAP_ID_FIELD_NUMBER: _ClassVar[int]
    COORDINATES_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    SIGMA_MM_FIELD_NUMBER: _ClassVar[int]
    map_id: str
    coordinates: Coordinates
    space_id: str
    sigma_mm: float
    def __init__(self, map_id: _Optional[str] = ..., coordinates: _Optional[_Union[Coordinates, _Mapping]] = ..., space_id: _Optional[str] = ..., sigma_mm: _Optional[float] = ...) -> None: ...

class RegionAssignment(_message.Message):
    __slots__ = ("region", "index", "map_value", "correlation", "intersection_over_union", "map_weighted_mean", "map_containedness", "input_weighted_mean", "input_containedness")
    REGION_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    MAP_VALUE_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_FIELD_NUMBER: _ClassVar[int]
    INTERSECTION_OVER_UNION_FIELD_NUMBER: _ClassVar[int]
    MAP_WEIGHTED_MEAN_FIELD_NUMBER: _ClassVar[int]
    MAP_CONTAINEDNESS_FIELD_NUMBER: _ClassVar[int]
    INPUT_WEIGHTED_MEAN_FIELD_NUMBER: _ClassVar[int]
    INPUT_CONTAINEDNESS_FIELD_NUMBER: _ClassVar[int]
    region: _common_pb2.ResourceRef
    index: MapIndex
    map_value: float
    correlation: float
    intersection_over_union: float
    map_weighted_mean: float
    map_containedness: float
    input_weighted_mean: float
    input_containedness: float
    def __init__(self, region: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., index: _Optional[_Union[MapIndex, _Mapping]] = ..., map_value: _Optional[float] = ..., correlation: _Optional[float] = ..., intersection_over_union: _Optional[float] = ..., map_weighted_mean: _Optional[float] = ..., map_containedness: _Optional[float] = ..., input_weighted_mean: _Optional[float] = ..., input_containedness: _Optional[float] = ...) -> None: ...

class AssignPointResponse(_message.Message):
    __slots__ = ("map", "space", "coordinates", "sigma_mm", "assignments")
    MAP_FIELD_NUMBER: _ClassVar[int]
    SPACE_FIELD_NUMBER: _ClassVar[int]
    COORDINATES_FIELD_NUMBER: _ClassVar[int]
    SIGMA_MM_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENTS_FIELD_NUMBER: _ClassVar[int]
    map: _common_pb2.ResourceRef
    space: _common_pb2.ResourceRef
    coordinates: Coordinates
    sigma_mm: float
    assignments: _containers.RepeatedCompositeFieldContainer[RegionAssignment]
    def __init__(self, map: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., space: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., coordinates: _Optional[_Union[Coordinates, _Mapping]] = ..., sigma_mm: _Optional[float] = ..., assignments: _Optional[_Iterable[_Union[RegionAssignment, _Mapping]]] = ...) -> None: ...

class GetRegionSpatialPropertiesRequest(_message.Message):
    __slots__ = ("parcellation_id", "region_id", "space_id", "map_type")
    PARCELLATION_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    MAP_TYPE_FIELD_NUMBER: _ClassVar[int]
    parcellation_id: str
    region_id: str
    space_id: str
    map_type: MapType
    def __init__(self, parcellation_id: _Optional[str] = ..., region_id: _Optional[str] = ..., space_id: _Optional[str] = ..., map_type: _Optional[_Union[MapType, str]] = ...) -> None: ...

class BoundingBox(_message.Message):
    __slots__ = ("min_point", "max_point")
    MIN_POINT_FIELD_NUMBER: _ClassVar[int]
    MAX_POINT_FIELD_NUMBER: _ClassVar[int]
    min_point: Coordinates
    max_point: Coordinates
    def __init__(self, min_point: _Optional[_Union[Coordinates, _Mapping]] = ..., max_point: _Optional[_Union[Coordinates, _Mapping]] = ...) -> None: ...

class RegionComponent(_message.Message):
    __slots__ = ("centroid", "volume_mm3")
    CENTROID_FIELD_NUMBER: _ClassVar[int]
    VOLUME_MM3_FIELD_NUMBER: _ClassVar[int]
    centroid: Coordinates
    volume_mm3: float
    def __init__(self, centroid: _Optional[_Union[Coordinates, _Mapping]] = ..., volume_mm3: _Optional[float] = ...) -> None: ...

class RegionSpatialProperties(_message.Message):
    __slots__ = ("region", "space", "map_type", "components", "bounding_box")
    REGION_FIELD_NUMBER: _ClassVar[int]
    SPACE_FIELD_NUMBER: _ClassVar[int]
    MAP_TYPE_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    BOUNDING_BOX_FIELD_NUMBER: _ClassVar[int]
    region: _common_pb2.ResourceRef
    space: _common_pb2.ResourceRef
    map_type: MapType
    components: _containers.RepeatedCompositeFieldContainer[RegionComponent]
    bounding_box: BoundingBox
    def __init__(self, region: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., space: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., map_type: _Optional[_Union[MapType, str]] = ..., components: _Optional[_Iterable[_Union[RegionComponent, _Mapping]]] = ..., bounding_box: _Optional[_Union[BoundingBox, _Mapping]] = ...) -> None: ...

class GetVolumeRequest(_message.Message):
    __slots__ = ("map_id", "space_id", "region_id", "fragment", "format")
    MAP_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    FRAGMENT_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    map_id: str
    space_id: str
    region_id: str
    fragment: str
    format: str
    def __init__(self, map_id: _Optional[str] = ..., space_id: _Optional[str] = ..., region_id: _Optional[str] = ..., fragment: _Optional[str] = ..., format: _Optional[str] = ...) -> None: ...

class StreamVolumeRequest(_message.Message):
    __slots__ = ("map_id", "space_id", "region_id", "fragment", "format")
    MAP_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    FRAGMENT_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    map_id: str
    space_id: str
    region_id: str
    fragment: str
    format: str
    def __init__(self, map_id: _Optional[str] = ..., space_id: _Optional[str] = ..., region_id: _Optional[str] = ..., fragment: _Optional[str] = ..., format: _Optional[str] = ...) -> None: ...

class VolumeChunk(_message.Message):
    __slots__ = ("data", "content_type", "total_size")
    DATA_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    content_type: str
    total_size: int
    def __init__(self, data: _Optional[bytes] = ..., content_type: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...
