from google.api import annotations_pb2 as _annotations_pb2
from siibragrpc.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Region(_message.Message):
    __slots__ = ("id", "name", "parcellation", "parent", "children", "ancestors", "rgb", "depth", "publications", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARCELLATION_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CHILDREN_FIELD_NUMBER: _ClassVar[int]
    ANCESTORS_FIELD_NUMBER: _ClassVar[int]
    RGB_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    PUBLICATIONS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    parcellation: _common_pb2.ResourceRef
    parent: _common_pb2.ResourceRef
    children: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    ancestors: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    rgb: str
    depth: int
    publications: _containers.RepeatedCompositeFieldContainer[_common_pb2.Publication]
    description: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., parcellation: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., parent: _Optional[_Union[_common_pb2.ResourceRef, _Mapping]] = ..., children: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ..., ancestors: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ..., rgb: _Optional[str] = ..., depth: _Optional[int] = ..., publications: _Optional[_Iterable[_Union[_common_pb2.Publication, _Mapping]]] = ..., description: _Optional[str] = ...) -> None: ...

class ListRegionsRequest(_message.Message):
    __slots__ = ("parcellation_id", "page_size", "page_token", "name_filter")
    PARCELLATION_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    NAME_FILTER_FIELD_NUMBER: _ClassVar[int]
    parcellation_id: str
    page_size: int
    page_token: str
    name_filter: str
    def __init__(self, parcellation_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., name_filter: _Optional[str] = ...) -> None: ...

class ListRegionsResponse(_message.Message):
    __slots__ = ("regions", "next_page_token", "total_size")
    REGIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    regions: _containers.RepeatedCompositeFieldContainer[Region]
    next_page_token: str
    total_size: int
    def __init__(self, regions: _Optional[_Iterable[_Union[Region, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetRegionRequest(_message.Message):
    __slots__ = ("parcellation_id", "region_id")
    PARCELLATION_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    parcellation_id: str
    region_id: str
    def __init__(self, parcellation_id: _Optional[str] = ..., region_id: _Optional[str] = ...) -> None: ...
