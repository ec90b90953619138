"""Feature ids: siibra's own for configured features, encoded ones otherwise.

A configured feature keeps the id siibra gives it (``<dataset>--<hash>`` or
the configuration's ``@id``), so clients can cross-reference siibra. Where
the configuration gives several features the same id, the type name is
appended (``<id>--<TypeName>``).

Compound features and live-query features exist only for a query: siibra's
own ids for them (``cf0::...``, ``lq0::...``) cannot encode a bounding box
and are resolved by re-running siibra's whole query. Ours carry the query
concept and what picks the feature out of the query's results, as
base64url-encoded JSON behind a prefix, so any client can pass them back
as one URL path segment:

    cf1-<payload>   a compound: type, siibra's compound key, anchor, concept
    lq1-<payload>   a live-query feature: type, concept, siibra's id, genes
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from typing import Any

from server.errors import InvalidArgumentError

COMPOUND_PREFIX = "cf1-"
LIVE_PREFIX = "lq1-"
# Longer ids are rejected before any decoding or lookup.
MAX_ID_LENGTH = 4096

REGION = "region"
PARCELLATION = "parcellation"
SPACE = "space"


@dataclass(frozen=True)
class ConceptSpec:
    """A query concept, by the canonical ids the catalog resolved.

    Attributes:
        kind: "region", "parcellation" or "space".
        parcellation_id: The parcellation (region and parcellation queries).
        region: The region's exact name in its parcellation, or its id
            where names repeat.
        space_id: The space (space queries).
        box: With a space: the bounding box as (x0, y0, z0, x1, y1, z1) in
            millimetres; None for the whole space.
    """

    kind: str
    parcellation_id: str = ""
    region: str = ""
    space_id: str = ""
    box: tuple[float, float, float, float, float, float] | None = None

    def __post_init__(self) -> None:
        if self.kind == REGION and not (self.parcellation_id and self.region):
            raise ValueError("a region query needs a parcellation and a region")
        if self.kind == PARCELLATION and not self.parcellation_id:
            raise ValueError("a parcellation query needs a parcellation")
        if self.kind == SPACE and not self.space_id:
            raise ValueError("a space query needs a space")
        if self.kind not in (REGION, PARCELLATION, SPACE):
            raise ValueError(f"unknown concept kind {self.kind!r}")
        if self.box is not None and (
            len(self.box) != 6 or not all(math.isfinite(v) for v in self.box)
        ):
            raise ValueError("a bounding box is six finite numbers")

    def to_json(self) -> dict[str, Any]:
        encoded: dict[str, Any] = {"k": self.kind}
        if self.parcellation_id:
            encoded["p"] = self.parcellation_id
        if self.region:
            encoded["r"] = self.region
        if self.space_id:
            encoded["s"] = self.space_id
        if self.box is not None:
            encoded["b"] = list(self.box)
        return encoded

    @classmethod
    def from_json(cls, encoded: Any) -> ConceptSpec:
        """Raises: ValueError, TypeError, KeyError: not a concept encoding."""
        box = encoded.get("b")
        return cls(
            kind=encoded["k"],
            parcellation_id=str(encoded.get("p", "")),
            region=str(encoded.get("r", "")),
            space_id=str(encoded.get("s", "")),
            # A box is six numbers; the tuple's length is not known statically.
            box=None if box is None else tuple(float(v) for v in box),  # type: ignore
        )

    def key(self) -> str:
        """A stable text form, for fingerprints and cache keys."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class CompoundId:
    """What picks a compound out of a query's results."""

    type_name: str
    compound_key: tuple[str, ...]
    anchor_spec: str
    concept: ConceptSpec


@dataclass(frozen=True)
class LiveId:
    """What picks a live-query feature out of the query's results."""

    type_name: str
    concept: ConceptSpec
    siibra_id: str
    genes: tuple[str, ...] = ()


def _pack(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unpack(text: str) -> Any:
    """Raises: InvalidArgumentError: not base64url-encoded JSON."""
    try:
        padded = text + "=" * (-len(text) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError):
        raise InvalidArgumentError(
            "feature_id is malformed: its encoded part cannot be read", "feature_id"
        ) from None


def encode_compound(compound: CompoundId) -> str:
    return COMPOUND_PREFIX + _pack(
        {
            "t": compound.type_name,
            "x": list(compound.compound_key),
            "a": compound.anchor_spec,
            "c": compound.concept.to_json(),
        }
    )


def encode_live(live: LiveId) -> str:
    payload: dict[str, Any] = {
        "t": live.type_name,
        "c": live.concept.to_json(),
        "i": live.siibra_id,
    }
    if live.genes:
        payload["g"] = list(live.genes)
    return LIVE_PREFIX + _pack(payload)


def check_id(feature_id: str) -> str:
    """Rejects ids no listing can have returned.

    Raises:
        InvalidArgumentError: empty, too long, or with control characters.
    """
    if not feature_id.strip():
        raise InvalidArgumentError("feature_id must not be empty", "feature_id")
    if len(feature_id) > MAX_ID_LENGTH:
        raise InvalidArgumentError(
            f"feature_id is longer than {MAX_ID_LENGTH} characters", "feature_id"
        )
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in feature_id):
        raise InvalidArgumentError(
            "feature_id contains control characters", "feature_id"
        )
    return feature_id


def decode(feature_id: str) -> CompoundId | LiveId | str:
    """The parts of an encoded id, or the id itself for configured features.

    Raises:
        InvalidArgumentError: the id is malformed.
    """
    check_id(feature_id)
    if feature_id.startswith(COMPOUND_PREFIX):
        payload = _unpack(feature_id[len(COMPOUND_PREFIX) :])
        try:
            return CompoundId(
                type_name=str(payload["t"]),
                compound_key=tuple(str(v) for v in payload["x"]),
                anchor_spec=str(payload["a"]),
                concept=ConceptSpec.from_json(payload["c"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _malformed() from None
    if feature_id.startswith(LIVE_PREFIX):
        payload = _unpack(feature_id[len(LIVE_PREFIX) :])
        try:
            return LiveId(
                type_name=str(payload["t"]),
                concept=ConceptSpec.from_json(payload["c"]),
                siibra_id=str(payload["i"]),
                genes=tuple(str(g) for g in payload.get("g", ())),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _malformed() from None
    return feature_id


def _malformed() -> InvalidArgumentError:
    return InvalidArgumentError(
        "feature_id is malformed: its encoded part is not a feature", "feature_id"
    )
