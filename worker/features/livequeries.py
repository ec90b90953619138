"""Which concepts siibra's live queries can answer, per query class.

siibra runs every live query of a type for every concept. Most ask a remote
service; some only make sense for one species. Written against siibra
1.0.1a20's live queries (``siibra/livequeries/``).
"""

from __future__ import annotations

from dataclasses import dataclass

from worker.features.ids import PARCELLATION, REGION, SPACE


@dataclass(frozen=True)
class LiveQuerySpec:
    """Which queries one of siibra's live queries can answer.

    siibra runs every live query for every concept; most need a remote
    service and some only make sense for one species, so running them
    regardless would make every listing of another species partial.
    """

    kinds: frozenset[str]
    species: frozenset[str] = frozenset()  # empty: any species


# A space query is answered only with a bounding box: siibra would query the
# space's whole template, which needs the template volume.
LIVE_QUERIES: dict[str, LiveQuerySpec] = {
    "EbrainsFeatureQuery": LiveQuerySpec(frozenset({REGION, PARCELLATION})),
    "BigBrainProfileQuery": LiveQuerySpec(
        frozenset({REGION, SPACE}), frozenset({"Homo sapiens"})
    ),
    "LayerwiseBigBrainIntensityQuery": LiveQuerySpec(
        frozenset({REGION, SPACE}), frozenset({"Homo sapiens"})
    ),
    "AllenBrainAtlasQuery": LiveQuerySpec(
        frozenset({REGION}), frozenset({"Homo sapiens"})
    ),
    "LFPQuery": LiveQuerySpec(
        frozenset({REGION, SPACE}), frozenset({"Rattus norvegicus"})
    ),
    "RegionalLFPQuery": LiveQuerySpec(
        frozenset({REGION}), frozenset({"Rattus norvegicus"})
    ),
    # Needs an image volume as its concept, which no listing gives.
    "BigBrain1MicronPatchQuery": LiveQuerySpec(frozenset()),
}
# Live queries that siibra adds in later versions: region queries only.
DEFAULT_LIVE_QUERY = LiveQuerySpec(frozenset({REGION}))
