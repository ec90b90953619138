"""Builds a :class:`~catalog.snapshot.Snapshot` from siibra's tables.

Run as a module, it builds and stores one in a separate process, so that
the server itself never needs to import siibra for metadata:

    python -m serializers.snapshot --cache-dir DIR --version V [--configuration PATH]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from catalog import snapshot as snapshot_store
from catalog.snapshot import NameVocabulary, Snapshot
from serializers.atlases import atlas_message
from serializers.common import ref
from serializers.maps import map_message
from serializers.parcellations import parcellation_message
from serializers.regions import region_messages
from serializers.spaces import space_message
from siibragrpc.v1 import common_pb2, maps_pb2

_LOGGER = logging.getLogger(__name__)


def _preference(table: Any) -> dict[str, int]:
    """Position of each concept in the order siibra prefers among matches."""
    concepts = list(table)
    try:
        ordered = sorted(concepts, reverse=True)
    except TypeError:
        ordered = concepts
    return {concept.id: rank for rank, concept in enumerate(ordered)}


def _links(siibra: Any) -> dict[str, dict[str, list[common_pb2.ResourceRef]]]:
    """Cross-links between concepts that each concept alone does not hold."""
    atlases_of: dict[str, list[common_pb2.ResourceRef]] = defaultdict(list)
    for atlas in siibra.atlases:
        for concept in [*atlas.spaces, *atlas.parcellations]:
            atlases_of[concept.id].append(ref(atlas))

    spaces_of: dict[str, dict[str, common_pb2.ResourceRef]] = defaultdict(dict)
    parcellations_of: dict[str, dict[str, common_pb2.ResourceRef]] = defaultdict(dict)
    for parcellation_map in siibra.maps:
        space, parcellation = parcellation_map.space, parcellation_map.parcellation
        spaces_of[parcellation.id][space.id] = ref(space)
        parcellations_of[space.id][parcellation.id] = ref(parcellation)
    return {
        "atlases": atlases_of,
        "spaces": {k: list(v.values()) for k, v in spaces_of.items()},
        "parcellations": {k: list(v.values()) for k, v in parcellations_of.items()},
    }


def _maps(siibra: Any) -> list[maps_pb2.Map]:
    """Every map with its regions, matched by exact name to the parcellation's.

    An exact-name table per parcellation takes milliseconds where siibra's
    ``get_region`` for each of the 18,000 mapped regions takes seconds.
    """
    regions_by_name: dict[str, dict[str, Any]] = {}
    messages = []
    for siibra_map in siibra.maps:
        parcellation = siibra_map.parcellation
        if parcellation.id not in regions_by_name:
            table: dict[str, Any] = {}
            for region in parcellation:
                table.setdefault(region.name, region)
            regions_by_name[parcellation.id] = table
        messages.append(map_message(siibra_map, regions_by_name[parcellation.id]))
    return messages


def build(siibra: Any, data_version: str) -> Snapshot:
    """Serializes every atlas, space, parcellation, region and map siibra knows."""
    from siibra import commons

    links = _links(siibra)
    successor_of = {
        p.version.prev_id: p.id
        for p in siibra.parcellations
        if p.version is not None and p.version.prev_id
    }
    snapshot = Snapshot(
        data_version=data_version,
        vocabulary=NameVocabulary(
            remove=tuple(commons.REMOVE_FROM_NAME),
            replace=tuple(commons.REPLACE_IN_NAME.items()),
        ),
        atlases=[atlas_message(a) for a in siibra.atlases],
        spaces=[
            space_message(
                s,
                atlases=links["atlases"].get(s.id, []),
                parcellations=links["parcellations"].get(s.id, []),
            )
            for s in siibra.spaces
        ],
        parcellations=[],
        preference={
            "atlases": _preference(siibra.atlases),
            "spaces": _preference(siibra.spaces),
            "parcellations": _preference(siibra.parcellations),
        },
    )
    snapshot.maps = _maps(siibra)
    for parcellation in siibra.parcellations:
        pairs = list(region_messages(parcellation))
        snapshot.regions[parcellation.id] = [message for message, _ in pairs]
        snapshot.region_parents[parcellation.id] = [parent for _, parent in pairs]
        snapshot.parcellations.append(
            parcellation_message(
                parcellation,
                successor_of,
                atlases=links["atlases"].get(parcellation.id, []),
                spaces=links["spaces"].get(parcellation.id, []),
                region_count=len(pairs),
            )
        )
    return snapshot


def main(argv: list[str] | None = None) -> int:
    from upstream.http import UpstreamTimeouts
    from upstream.loader import load_siibra

    parser = argparse.ArgumentParser(description="Build a metadata snapshot.")
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--version", required=True, help="data version to record")
    parser.add_argument("--configuration", type=Path, default=None)
    parser.add_argument("--siibra-cache-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    siibra = load_siibra(args.configuration, args.siibra_cache_dir, UpstreamTimeouts())
    path = snapshot_store.store(args.cache_dir, build(siibra, args.version))
    _LOGGER.info("snapshot written to %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
