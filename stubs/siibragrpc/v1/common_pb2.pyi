from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class ResourceRef(_message.Message):
    __slots__ = ("id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Publication(_message.Message):
    __slots__ = ("citation", "url", "doi", "name", "license")
    CITATION_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    DOI_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LICENSE_FIELD_NUMBER: _ClassVar[int]
    citation: str
    url: str
    doi: str
    name: str
    license: str
    def __init__(self, citation: _Optional[str] = ..., url: _Optional[str] = ..., doi: _Optional[str] = ..., name: _Optional[str] = ..., license: _Optional[str] = ...) -> None: ...

class VersionInfo(_message.Message):
    __slots__ = ("name", "predecessor_id", "successor_id", "is_latest")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PREDECESSOR_ID_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_ID_FIELD_NUMBER: _ClassVar[int]
    IS_LATEST_FIELD_NUMBER: _ClassVar[int]
    name: str
    predecessor_id: str
    successor_id: str
    is_latest: bool
    def __init__(self, name: _Optional[str] = ..., predecessor_id: _Optional[str] = ..., successor_id: _Optional[str] = ..., is_latest: _Optional[bool] = ...) -> None: ...
