"""Reading the status of a failed call: its code, message and bad fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status


def rejected(call: Callable[[], Any]) -> tuple[grpc.StatusCode, str, list[str]]:
    """Runs a call that must fail; returns its code, message and the fields
    its ``BadRequest`` detail names."""
    with pytest.raises(grpc.RpcError) as caught:
        call()
    status = rpc_status.from_call(caught.value)
    fields = []
    for detail in status.details if status else []:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            fields += [v.field for v in bad.field_violations]
    return caught.value.code(), caught.value.details(), fields
