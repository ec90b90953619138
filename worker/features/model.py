"""What the feature engine answers with: matches, compounds, skips, types.

These hold siibra objects (features, assignments) but know no messages;
:mod:`serializers.features` turns them into messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Longest text kept of a failure's message in a skip reason.
MAX_REASON_LENGTH = 240
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Skip:
    """Features of a type left out of an answer, and why."""

    type_name: str
    reason: str
    count: int = 1


@dataclass
class Match:
    """A feature and how its anchor relates to the query (empty for Get)."""

    feature_id: str
    feature: Any
    assignments: list[Any] = field(default_factory=list)


@dataclass
class Compound:
    """Features of one type, compound key and anchor, as siibra groups them."""

    feature_id: str
    feature_type: type
    compound_key: tuple[str, ...]
    anchor_spec: str
    members: list[Match]

    @property
    def type_name(self) -> str:
        return self.feature_type.__name__

    def attributes(self) -> dict[str, str]:
        """The compounding attributes and their shared values, as siibra names them."""
        first = self.members[0].feature
        return {
            attr: str(first.filter_attributes[attr]) for attr in first._compound_attrs
        }


Entry = Match | Compound


@dataclass
class Listing:
    """The answer to a query: matched entries in order, and what was left out."""

    entries: list[Entry]
    skipped: list[Skip]

    @property
    def skipped_count(self) -> int:
        return sum(s.count for s in self.skipped)


@dataclass(frozen=True)
class TypeInfo:
    """A feature type of siibra's hierarchy."""

    name: str
    parent: str
    category: str
    description: str
    concepts: frozenset[str]
    configured_count: int
    live_query: bool
    children: tuple[str, ...]


def short(text: str) -> str:
    text = " ".join(str(text).split())
    return (
        text if len(text) <= MAX_REASON_LENGTH else text[: MAX_REASON_LENGTH - 1] + "…"
    )


def element_index(feature: Any) -> str:
    """What tells a compound's element apart, as text."""
    index = feature._element_index
    if isinstance(index, tuple):
        return ", ".join(str(part) for part in index)
    return str(index)


def readable_type_name(type_name: str) -> str:
    """siibra's display form of a type name: "ReceptorDensityProfile" ->
    "Receptor Density Profile"."""
    spaced = re.sub("([a-z])([A-Z])", r"\g<1> \g<2>", type_name)
    return re.sub("([b,B]ig [b,B]rain)", "BigBrain", spaced)


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Orders "2" before "10", as people count subjects and samples."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(text)
        if part
    )


def best_qualification(assignments: Iterable[Any]) -> int:
    """The rank of the closest relation (siibra orders EXACT first); 99 for none."""
    return min((a.qualification.value for a in assignments), default=99)
