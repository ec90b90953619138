from google.api import annotations_pb2 as _annotations_pb2
from siibragrpc.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ParcellationView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PARCELLATION_VIEW_UNSPECIFIED: _ClassVar[ParcellationView]
    PARCELLATION_VIEW_BASIC: _ClassVar[ParcellationView]
    PARCELLATION_VIEW_FULL: _ClassVar[ParcellationView]
PARCELLATION_VIEW_UNSPECIFIED: ParcellationView
PARCELLATION_VIEW_BASIC: ParcellationView
PARCELLATION_VIEW_FULL: ParcellationView

class Parcellation(_message.Message):
    __slots__ = ("id", "name", "short_name", "key", "species", "modality", "description", "publications", "version", "atlases", "spaces", "region_count", "regions")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SHORT_NAME_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    SPECIES_FIELD_NUMBER: _ClassVar[int]
    MODALITY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PUBLICATIONS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ATLASES_FIELD_NUMBER: _ClassVar[int]
    SPACES_FIELD_NUMBER: _ClassVar[int]
    REGION_COUNT_FIELD_NUMBER: _ClassVar[int]
    REGIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    short_name: str
    key: str
    species: str
    modality: str
    description: str
    publications: _containers.RepeatedCompositeFieldContainer[_common_pb2.Publication]
    version: _common_pb2.VersionInfo
    atlases: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    spaces: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    region_count: int
    regions: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., short_name: _Optional[str] = ..., key: _Optional[str] = ..., species: _Optional[str] = ..., modality: _Optional[str] = ..., description: _Optional[str] = ..., publications: _Optional[_Iterable[_Union[_common_pb2.Publication, _Mapping]]] = ..., version: _Optional[_Union[_common_pb2.VersionInfo, _Mapping]] = ..., atlases: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ..., spaces: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ..., region_count: _Optional[int] = ..., regions: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ...) -> None: ...

class ListParcellationsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "species", "view")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SPECIES_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    species: str
    view: ParcellationView
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., species: _Optional[str] = ..., view: _Optional[_Union[ParcellationView, str]] = ...) -> None: ...

class ListParcellationsResponse(_message.Message):
    __slots__ = ("parcellations", "next_page_token", "total_size")
    PARCELLATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    parcellations: _containers.RepeatedCompositeFieldContainer[Parcellation]
    next_page_token: str
    total_size: int
    def __init__(self, parcellations: _Optional[_Iterable[_Union[Parcellation, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetParcellationRequest(_message.Message):
    __slots__ = ("parcellation_id", "view")
    PARCELLATION_ID_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    parcellation_id: str
    view: ParcellationView
    def __init__(self, parcellation_id: _Optional[str] = ..., view: _Optional[_Union[ParcellationView, str]] = ...) -> None: ...
