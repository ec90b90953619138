"""Names shared by the server and the workers: queues, keys and channels."""

from __future__ import annotations

from redis import Redis
from rq import Queue

from worker.criticality import QUEUE_ORDER, Criticality

PREFIX = "siibra-grpc"
# Workers publish a job id here when its outcome is stored.
DONE_CHANNEL = f"{PREFIX}:done"


def queue_name(criticality: Criticality) -> str:
    return f"{PREFIX}:{criticality.value}"


def queue(criticality: Criticality, connection: Redis) -> Queue:
    return Queue(queue_name(criticality), connection=connection)


def queues_in_order(
    connection: Redis, classes: tuple[Criticality, ...] = QUEUE_ORDER
) -> list[Queue]:
    """Queues for a worker, most critical first: RQ takes them in this order."""
    ordered = [c for c in QUEUE_ORDER if c in classes]
    return [queue(c, connection) for c in ordered]


def outcome_key(job_id: str) -> str:
    return f"{PREFIX}:outcome:{job_id}"


def liveness_key(worker_name: str) -> str:
    return f"{PREFIX}:alive:{worker_name}"


def operations_key() -> str:
    """Sorted set of operation ids, scored by creation time."""
    return f"{PREFIX}:operations"
