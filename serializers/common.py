"""Pieces shared by every concept: links, publications, species."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from siibragrpc.v1 import common_pb2

_DOI_IN_URL = re.compile(r"(?:doi\.org/|doi/)(10\.\d{4,9}/\S+)", re.IGNORECASE)


def ref(concept: Any) -> common_pb2.ResourceRef:
    return common_pb2.ResourceRef(id=concept.id, name=concept.name)


def refs(concepts: Iterable[Any]) -> list[common_pb2.ResourceRef]:
    return [ref(c) for c in concepts]


def doi_from_url(url: str) -> str:
    """Returns the DOI a URL names, e.g. "10.1126/science.abb4588", or ""."""
    match = _DOI_IN_URL.search(url or "")
    return match.group(1) if match else ""


def publications(concept: Any) -> list[common_pb2.Publication]:
    """The publications the configuration lists for a concept.

    Reads the configured list only: siibra's ``publications`` property also
    asks the EBRAINS Knowledge Graph for datasets, which needs the network.
    """
    result = []
    for item in getattr(concept, "_publications", None) or []:
        url = str(item.get("url") or "")
        result.append(
            common_pb2.Publication(
                citation=str(item.get("citation") or ""),
                url=url,
                doi=doi_from_url(url),
                name=str(item.get("name") or ""),
                license=str(item.get("license") or ""),
            )
        )
    return result


def species_name(concept: Any) -> str:
    species = getattr(concept, "_species_cached", None)
    return str(species) if species is not None else ""


def description(concept: Any) -> str:
    # The configured text only; siibra's property falls back to remote datasets.
    return str(getattr(concept, "_description", None) or "")


def short_name(concept: Any) -> str:
    return str(getattr(concept, "shortname", None) or "")
