from google.api import annotations_pb2 as _annotations_pb2
from siibragrpc.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Space(_message.Message):
    __slots__ = ("id", "name", "short_name", "key", "species", "modality", "description", "publications", "provides_image", "provides_mesh", "volume_formats", "atlases", "parcellations")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SHORT_NAME_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    SPECIES_FIELD_NUMBER: _ClassVar[int]
    MODALITY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PUBLICATIONS_FIELD_NUMBER: _ClassVar[int]
    PROVIDES_IMAGE_FIELD_NUMBER: _ClassVar[int]
    PROVIDES_MESH_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FORMATS_FIELD_NUMBER: _ClassVar[int]
    ATLASES_FIELD_NUMBER: _ClassVar[int]
    PARCELLATIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    short_name: str
    key: str
    species: str
    modality: str
    description: str
    publications: _containers.RepeatedCompositeFieldContainer[_common_pb2.Publication]
    provides_image: bool
    provides_mesh: bool
    volume_formats: _containers.RepeatedScalarFieldContainer[str]
    atlases: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    parcellations: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., short_name: _Optional[str] = ..., key: _Optional[str] = ..., species: _Optional[str] = ..., modality: _Optional[str] = ..., description: _Optional[str] = ..., publications: _Optional[_Iterable[_Union[_common_pb2.Publication, _Mapping]]] = ..., provides_image: _Optional[bool] = ..., provides_mesh: _Optional[bool] = ..., volume_formats: _Optional[_Iterable[str]] = ..., atlases: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ..., parcellations: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ...) -> None: ...

class ListSpacesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "species")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SPECIES_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    species: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., species: _Optional[str] = ...) -> None: ...

class ListSpacesResponse(_message.Message):
    __slots__ = ("spaces", "next_page_token", "total_size")
    SPACES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    spaces: _containers.RepeatedCompositeFieldContainer[Space]
    next_page_token: str
    total_size: int
    def __init__(self, spaces: _Optional[_Iterable[_Union[Space, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetSpaceRequest(_message.Message):
    __slots__ = ("space_id",)
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    space_id: str
    def __init__(self, space_id: _Optional[str] = ...) -> None: ...
