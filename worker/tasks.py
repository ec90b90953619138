"""The functions RQ jobs run. Importable with no side effects."""

from __future__ import annotations

import logging

from rq import get_current_job

from server.errors import ServiceError
from worker import outcome
from worker.execute import execute, lookup
from worker.queues import DONE_CHANNEL, outcome_key

_LOGGER = logging.getLogger(__name__)


def run_call(method: str, request: bytes, outcome_ttl_s: int) -> None:
    """Runs a registered call and stores its outcome for the server.

    The outcome goes under our own key, then the job id is published, so the
    server learns of it at once; the job itself returns nothing.
    """
    job = get_current_job()
    assert job is not None, "run_call runs inside an RQ job"
    try:
        call = lookup(method)
        response = execute(method, call.request_type.FromString(request))
        encoded = outcome.encode_response(response)
    except ServiceError as error:
        encoded = outcome.encode_error(error)
    except Exception:
        _LOGGER.exception("job %s: %s failed", job.id, method)
        encoded = outcome.encode_error(None)
    connection = job.connection
    with connection.pipeline() as pipeline:
        pipeline.set(outcome_key(job.id), encoded, ex=outcome_ttl_s)
        pipeline.publish(DONE_CHANNEL, job.id)
        pipeline.execute()
