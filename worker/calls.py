"""The registry of calls that run on workers (or, all-in-one, on threads).

A call is a plain function from a request message to a response message. The
same function runs in both modes: the server runs it on a thread pool in
all-in-one mode, or enqueues it for an RQ worker in server-worker mode.

Handlers raise :class:`~server.errors.ServiceError` subclasses for domain
errors; those reach the client with their status code in either mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import Message

from worker.criticality import Criticality

Handler = Callable[[Any], Message]


@dataclass(frozen=True)
class Call:
    """A registered call.

    Attributes:
        method: Full gRPC method name, "/package.Service/Method".
        request_type: The request message class.
        handler: The function that answers it.
        criticality: Which queue runs it.
        idempotent: Safe to run again if a worker dies mid-call.
        cacheable: Successful answers may be served from the response cache.
    """

    method: str
    request_type: type[Message]
    handler: Handler
    criticality: Criticality
    idempotent: bool = True
    cacheable: bool = True
    explicit_response_type: type[Message] | None = None
    # Tells a complete answer from a partial one; partial ones are not cached.
    completeness: Callable[[Message], bool] | None = None

    def is_complete(self, response: Message) -> bool:
        return self.completeness is None or self.completeness(response)

    @property
    def response_type(self) -> type[Message]:
        """The response class, from the method's descriptor unless given."""
        if self.explicit_response_type is not None:
            return self.explicit_response_type
        service, method = self.method.strip("/").rsplit("/", 1)
        pool = descriptor_pool.Default()
        output = pool.FindServiceByName(service).FindMethodByName(method).output_type
        return message_factory.GetMessageClass(output)


REGISTRY: dict[str, Call] = {}


def register(
    method: str,
    request_type: type[Message],
    criticality: Criticality,
    *,
    idempotent: bool = True,
    cacheable: bool = True,
    response_type: type[Message] | None = None,
    completeness: Callable[[Message], bool] | None = None,
) -> Callable[[Handler], Handler]:
    """Decorator that adds a handler to :data:`REGISTRY`."""

    def decorate(handler: Handler) -> Handler:
        if method in REGISTRY:
            raise ValueError(f"{method} is registered twice")
        REGISTRY[method] = Call(
            method,
            request_type,
            handler,
            criticality,
            idempotent,
            cacheable,
            response_type,
            completeness,
        )
        return handler

    return decorate


def method_name(service_descriptor: Any, method: str) -> str:
    """ "/package.Service/Method" for a service descriptor and method name."""
    return f"/{service_descriptor.full_name}/{method}"
