"""REST requests as templates, and files of them for replaying the mix
against another atlas API.

A paths file is JSON: call labels (and "floor") mapped to ``"GET /path"`` or
to ``{"method", "path", "body", "poll", "expect"}``; keys starting with "_"
are ignored. ``python -m bench.weighted --print-rest-paths`` prints this
service's, with the parameters each call's templates may use.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from bench.mix import MixCall

FLOOR_LABEL = "floor"
# In a paths file, what each call's templates may use; ignored when loading.
PARAMETERS_KEY = "_parameters"


@dataclass(frozen=True)
class RestRequest:
    """A REST request as templates of ``$name`` placeholders.

    Placeholders are filled with the call's parameters: percent-encoded as
    one path segment in ``path``, JSON-encoded in ``body`` (so strings come
    with their quotes). With ``poll``, the call is a long-running operation:
    ``poll`` is filled from the first answer's JSON fields and fetched until
    its ``done`` is true.
    """

    method: str
    path: str
    body: str | None = None
    poll: str | None = None
    # The status that counts as an answer; None: any 2xx.
    expect: int | None = None

    @classmethod
    def parse(cls, spec: str | dict[str, Any]) -> RestRequest:
        """From ``"GET /path"`` or ``{"method", "path", "body", "poll",
        "expect"}``.

        Raises:
            ValueError: the spec has no method and path.
        """
        if isinstance(spec, str):
            method, _, path = spec.strip().partition(" ")
            spec = {"method": method, "path": path.strip()}
        if not spec.get("method") or not str(spec.get("path", "")).startswith("/"):
            raise ValueError(f"want a method and a path starting with /: {spec!r}")
        expect = spec.get("expect")
        return cls(
            str(spec["method"]).upper(),
            str(spec["path"]),
            spec.get("body"),
            spec.get("poll"),
            None if expect is None else int(expect),
        )

    def to_json(self) -> str | dict[str, Any]:
        fields = {
            "method": self.method,
            "path": self.path,
            "body": self.body,
            "poll": self.poll,
            "expect": self.expect,
        }
        if list(fields.values())[2:] == [None, None, None]:
            return f"{self.method} {self.path}"
        return {k: v for k, v in fields.items() if v is not None}

    def fill_path(self, params: dict[str, Any]) -> str:
        encoded = {k: quote(str(v), safe="") for k, v in params.items()}
        return Template(self.path).substitute(encoded)

    def fill_body(self, params: dict[str, Any]) -> bytes | None:
        if self.body is None:
            return None
        encoded = {k: json.dumps(v) for k, v in params.items()}
        return Template(self.body).substitute(encoded).encode()

    def fill_poll(self, answer: dict[str, Any]) -> str:
        assert self.poll is not None
        fields = {k: quote(str(v), safe="/") for k, v in answer.items()}
        return Template(self.poll).substitute(fields)


def default_rest_paths(mix: list[MixCall], floor: RestRequest) -> dict[str, Any]:
    """The REST templates of a mix, in the format of a paths file."""
    paths: dict[str, Any] = {FLOOR_LABEL: floor.to_json()}
    for call in mix:
        if call.rest is not None:
            paths[call.label] = call.rest.to_json()
    return paths


def load_rest_paths(
    path: Path, mix: list[MixCall]
) -> tuple[list[MixCall], RestRequest | None]:
    """Replaces the REST requests with those of a JSON file.

    The file maps call labels (and "floor") to ``"GET /path"`` or to
    ``{"method", "path", "body", "poll", "expect"}``; calls it leaves out are
    left out of the REST mix, and keys starting with "_" are ignored.

    Raises:
        ValueError: an unknown label, a malformed request or a placeholder
            the call does not have.
    """
    spec = json.loads(path.read_text())
    spec = {k: v for k, v in spec.items() if not k.startswith("_")}
    known = {call.label: call for call in mix}
    unknown = set(spec) - set(known) - {FLOOR_LABEL}
    if unknown:
        raise ValueError(
            f"{path}: unknown calls {sorted(unknown)}; known {sorted(known)}"
        )
    floor = RestRequest.parse(spec[FLOOR_LABEL]) if FLOOR_LABEL in spec else None
    calls = []
    for call in mix:
        rest = RestRequest.parse(spec[call.label]) if call.label in spec else None
        if rest is not None:
            sample = call.params(random.Random(0))
            try:
                rest.fill_path(sample)
                rest.fill_body(sample)
            except KeyError as error:
                raise ValueError(
                    f"{path}: {call.label} has no parameter {error}; it has "
                    f"{sorted(sample)}"
                ) from None
        calls.append(replace(call, rest=rest))
    return calls, floor


def parameters_by_call(mix: list[MixCall]) -> dict[str, list[str]]:
    """The placeholders each call's REST templates may use."""
    return {call.label: sorted(call.params(random.Random(0))) for call in mix}
