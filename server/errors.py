"""The service's errors and the one place they become gRPC statuses.

    ServiceError                    base; never raised itself
    ├── InvalidArgumentError        INVALID_ARGUMENT: the request is malformed
    │   └── AmbiguousError          a name matches several resources equally
    ├── NotFoundError               NOT_FOUND: no resource by that id or name
    ├── UnavailableError            UNAVAILABLE: an upstream host is unreachable
    ├── ResourceExhaustedError      RESOURCE_EXHAUSTED: a size or queue limit hit
    ├── DeadlineExceededError       DEADLINE_EXCEEDED: the work ran out of time
    ├── CancelledError              CANCELLED: the work was cancelled
    └── RemoteError                 any of the above, raised in a worker process

Every error carries ``google.rpc`` details, so REST clients receive the same
information as JSON through Envoy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

ERROR_DOMAIN = "siibra-grpc"
# Messages and details echo what the client sent; beyond these lengths they
# are cut, so that a huge input cannot make a status too large to send.
MAX_MESSAGE_CHARS = 2000
MAX_ECHO_CHARS = 200


def shorten(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    """``text`` cut to ``limit`` characters, marked as cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ServiceError(Exception):
    """Base of every error a call can end with, other than a bug."""

    grpc_code: grpc.StatusCode = grpc.StatusCode.INTERNAL
    reason: str = "INTERNAL"

    def __init__(self, message: str) -> None:
        message = shorten(message, MAX_MESSAGE_CHARS)
        super().__init__(message)
        self.message = message

    def details(self) -> list[object]:
        """``google.rpc`` detail messages that explain this error."""
        return [error_details_pb2.ErrorInfo(reason=self.reason, domain=ERROR_DOMAIN)]

    def to_status(self) -> status_pb2.Status:
        status = status_pb2.Status(
            code=_RPC_CODES[self.grpc_code], message=self.message
        )
        for detail in self.details():
            packed = any_pb2.Any()
            packed.Pack(detail)  # type: ignore[arg-type]
            status.details.append(packed)
        return status


class InvalidArgumentError(ServiceError):
    grpc_code = grpc.StatusCode.INVALID_ARGUMENT
    reason = "INVALID_ARGUMENT"

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field

    def details(self) -> list[object]:
        if not self.field:
            return super().details()
        violation = error_details_pb2.BadRequest.FieldViolation(
            field=self.field, description=self.message
        )
        return [
            *super().details(),
            error_details_pb2.BadRequest(field_violations=[violation]),
        ]


class AmbiguousError(InvalidArgumentError):
    """A specification matches several resources; the caller must narrow it."""

    reason = "AMBIGUOUS_NAME"
    max_listed = 20

    def __init__(self, field: str, spec: str, candidates: Sequence[str]) -> None:
        spec = shorten(spec)
        listed = list(candidates[: self.max_listed])
        more = len(candidates) - len(listed)
        names = "; ".join(listed) + (f"; and {more} more" if more > 0 else "")
        super().__init__(
            f"{spec!r} matches {len(candidates)} resources: {names}", field=field
        )
        self.candidates = list(candidates)

    def details(self) -> list[object]:
        info = error_details_pb2.ErrorInfo(
            reason=self.reason,
            domain=ERROR_DOMAIN,
            metadata={"candidates": "\n".join(self.candidates[:100])},
        )
        return [info, *super().details()[1:]]


class NotFoundError(ServiceError):
    grpc_code = grpc.StatusCode.NOT_FOUND
    reason = "NOT_FOUND"

    def __init__(self, resource_type: str, name: str, message: str = "") -> None:
        name = shorten(name)
        super().__init__(message or f"no {resource_type} matches {name!r}")
        self.resource_type = resource_type
        self.name = name

    def details(self) -> list[object]:
        return [
            *super().details(),
            error_details_pb2.ResourceInfo(
                resource_type=self.resource_type, resource_name=self.name
            ),
        ]


class UnavailableError(ServiceError):
    grpc_code = grpc.StatusCode.UNAVAILABLE
    reason = "UPSTREAM_UNAVAILABLE"


class ResourceExhaustedError(ServiceError):
    grpc_code = grpc.StatusCode.RESOURCE_EXHAUSTED
    reason = "RESOURCE_EXHAUSTED"

    def __init__(self, message: str, retry_after_s: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s

    def details(self) -> list[object]:
        if not self.retry_after_s:
            return super().details()
        retry = error_details_pb2.RetryInfo()
        retry.retry_delay.FromTimedelta(timedelta(seconds=self.retry_after_s))
        return [*super().details(), retry]


class DeadlineExceededError(ServiceError):
    grpc_code = grpc.StatusCode.DEADLINE_EXCEEDED
    reason = "DEADLINE_EXCEEDED"


class CancelledError(ServiceError):
    grpc_code = grpc.StatusCode.CANCELLED
    reason = "CANCELLED"


class RemoteError(ServiceError):
    """An error a worker reported, carried as the status it encoded."""

    def __init__(self, status: status_pb2.Status) -> None:
        super().__init__(status.message)
        self.status = status
        self.grpc_code = _GRPC_CODES.get(status.code, grpc.StatusCode.INTERNAL)

    def to_status(self) -> status_pb2.Status:
        return self.status


_RPC_CODES: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.INVALID_ARGUMENT: code_pb2.INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND: code_pb2.NOT_FOUND,
    grpc.StatusCode.UNAVAILABLE: code_pb2.UNAVAILABLE,
    grpc.StatusCode.RESOURCE_EXHAUSTED: code_pb2.RESOURCE_EXHAUSTED,
    grpc.StatusCode.DEADLINE_EXCEEDED: code_pb2.DEADLINE_EXCEEDED,
    grpc.StatusCode.CANCELLED: code_pb2.CANCELLED,
    grpc.StatusCode.INTERNAL: code_pb2.INTERNAL,
}
_GRPC_CODES = {number: code for code, number in _RPC_CODES.items()}


def internal_status(message: str = "internal error") -> status_pb2.Status:
    return status_pb2.Status(code=code_pb2.INTERNAL, message=message)
