from google.api import annotations_pb2 as _annotations_pb2
from siibragrpc.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Atlas(_message.Message):
    __slots__ = ("id", "name", "short_name", "key", "species", "spaces", "parcellations", "prerelease")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SHORT_NAME_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    SPECIES_FIELD_NUMBER: _ClassVar[int]
    SPACES_FIELD_NUMBER: _ClassVar[int]
    PARCELLATIONS_FIELD_NUMBER: _ClassVar[int]
    PRERELEASE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    short_name: str
    key: str
    species: str
    spaces: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    parcellations: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    prerelease: bool
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., short_name: _Optional[str] = ..., key: _Optional[str] = ..., species: _Optional[str] = ..., spaces: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ..., parcellations: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ..., prerelease: _Optional[bool] = ...) -> None: ...

class ListAtlasesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "species")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SPECIES_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    species: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., species: _Optional[str] = ...) -> None: ...

class ListAtlasesResponse(_message.Message):
    __slots__ = ("atlases", "next_page_token", "total_size")
    ATLASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    atlases: _containers.RepeatedCompositeFieldContainer[Atlas]
    next_page_token: str
    total_size: int
    def __init__(self, atlases: _Optional[_Iterable[_Union[Atlas, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetAtlasRequest(_message.Message):
    __slots__ = ("atlas_id",)
    ATLAS_ID_FIELD_NUMBER: _ClassVar[int]
    atlas_id: str
    def __init__(self, atlas_id: _Optional[str] = ...) -> None: ...
