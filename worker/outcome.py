"""How a call's outcome travels from a worker to the server: bytes in Redis.

An outcome is one tag byte and a payload: the serialized response message,
or the serialized ``google.rpc.Status`` of the error the call ended with.
"""

from __future__ import annotations

from google.protobuf.message import Message
from google.rpc import status_pb2

from server.errors import RemoteError, ServiceError, internal_status

_OK = b"\x00"
_ERROR = b"\x01"


def encode_response(response: Message) -> bytes:
    return _OK + response.SerializeToString()


def encode_error(error: ServiceError | None) -> bytes:
    """Encodes a domain error; None stands for a bug, sent as plain INTERNAL."""
    status = error.to_status() if error is not None else internal_status()
    return _ERROR + status.SerializeToString()


def decode(outcome: bytes, response_type: type[Message]) -> Message:
    """Returns the response, or raises the error the outcome carries.

    Raises:
        RemoteError: the call failed; it carries the worker's status.
    """
    tag, payload = outcome[:1], outcome[1:]
    if tag == _OK:
        return response_type.FromString(payload)
    if tag == _ERROR:
        raise RemoteError(status_pb2.Status.FromString(payload))
    raise RemoteError(internal_status("unreadable outcome from a worker"))
