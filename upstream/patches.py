"""Fixes to siibra 1.0.1a20 that an offline-safe service needs.

Each patch is written against that exact version: :func:`apply` refuses any
other, so an upgrade of siibra forces a look at whether each is still needed.

* Neuroglancer mesh providers fetch ``<url>/transform.json`` and ``<url>/info``
  in their constructor. With no network, that breaks the whole table of spaces
  and maps. The patch defers those fetches until a mesh is actually used.
* ``Species.decode`` indexes its id tables with the full URL it was given
  rather than the id it extracted, raising ``KeyError``.
* ``SparseMap._read_voxel`` (point assignment to statistical maps) indexes its
  voxel table without bounds checks, and reads the background marker -1 as an
  index: a point in the background is assigned the regions of the table's last
  entry, a point outside the volume raises ``IndexError``, or for negative
  voxel indices wraps around to the far side of the volume. The patch skips
  both, as ``Map._read_voxel`` does for labelled maps.
* Related regions (``Region.get_related_regions``) read EBRAINS Knowledge
  Graph documents from a public data-proxy bucket through ebrains_drive's
  own ``requests`` sessions, made at import: no timeouts, no mirrors, no
  disk cache, and four requests per document on threads that do not carry
  the call's fetch scope. The patch fetches each document by its public
  URL through siibra's ``HttpRequest``, in the calling thread.
* The gene expression query first probes the Allen Brain Atlas API with the
  plain ``requests`` module: no timeout (a silent host hangs the call
  forever) and no mirror. The patch sends the probe through siibra's client.
"""

from __future__ import annotations

import logging
from typing import Any

_LOGGER = logging.getLogger(__name__)

PATCHED_SIIBRA_VERSION = "1.0.1-alpha.20"


class UnsupportedSiibraVersionError(RuntimeError):
    """The installed siibra is not the version these patches were written for."""


def apply(siibra: Any) -> None:
    """Applies every patch once; idempotent."""
    if siibra.__version__ != PATCHED_SIIBRA_VERSION:
        raise UnsupportedSiibraVersionError(
            f"patches target siibra {PATCHED_SIIBRA_VERSION}, "
            f"found {siibra.__version__}"
        )
    _defer_mesh_fragment_info()
    _decode_species_urls()
    _bound_sparse_voxel_reads()
    _fetch_region_relations_through_siibra()
    _probe_allen_through_siibra()


def _defer_mesh_fragment_info() -> None:
    from siibra.volumes.providers.neuroglancer import NeuroglancerMesh

    if getattr(NeuroglancerMesh, "_siibra_grpc_lazy", False):
        return

    def init(self: Any, resource: str | dict, volume: Any = None) -> None:
        if not isinstance(resource, str | dict):
            raise ValueError(
                f"Resource specification not understood for "
                f"{self.__class__.__name__}: {resource}"
            )
        self.volume = volume
        self._init_url = resource
        self._lazy_meshes = None

    def meshes(self: Any) -> dict:
        # Fetched on first use, exactly as the original constructor did.
        if self._lazy_meshes is None:
            resource = self._init_url
            if isinstance(resource, str):
                self._lazy_meshes = {None: self._fragmentinfo(resource)}
            else:
                self._lazy_meshes = {
                    name: self._fragmentinfo(url) for name, url in resource.items()
                }
        return self._lazy_meshes

    NeuroglancerMesh.__init__ = init
    NeuroglancerMesh._meshes = property(meshes)
    NeuroglancerMesh._siibra_grpc_lazy = True
    _LOGGER.debug("neuroglancer mesh fragment info now loads on first use")


def _decode_species_urls() -> None:
    from siibra.commons import Species

    if getattr(Species, "_siibra_grpc_decode", False):
        return
    original = Species.decode.__func__

    def decode(cls: Any, spec: Any, fail_if_not_successful: bool = True) -> Any:
        if isinstance(spec, str) and "/" in spec:
            # The id tables are keyed by the last path segment only.
            spec = spec.split("/")[-1]
        return original(cls, spec, fail_if_not_successful)

    Species.decode = classmethod(decode)
    Species._siibra_grpc_decode = True


def _bound_sparse_voxel_reads() -> None:
    import numpy as np
    from siibra.volumes.sparsemap import SparseMap

    if getattr(SparseMap, "_siibra_grpc_bounded", False):
        return

    def read_voxel(self: Any, x: Any, y: Any, z: Any) -> list[tuple[Any, ...]]:
        index = self.sparse_index
        xyz = [np.atleast_1d(np.asarray(v)) for v in (x, y, z)]
        inside = np.all(
            [(v >= 0) & (v < n) for v, n in zip(xyz, index.voxels.shape, strict=True)],
            axis=0,
        )
        entries = index.voxels[tuple(v[inside] for v in xyz)]
        return [
            (int(point), volume, None, value)
            for point, entry in zip(np.flatnonzero(inside), entries, strict=True)
            if entry >= 0  # -1 marks voxels no region covers
            for volume, value in index.probs[entry].items()
        ]

    SparseMap._read_voxel = read_voxel
    SparseMap._siibra_grpc_bounded = True


# Where ebrains_drive's BucketApiClient finds the documents siibra reads for
# related regions: bucket "reference-atlas-data" on the public data proxy.
REGION_RELATIONS_URL = (
    "https://data-proxy.ebrains.eu/api/v1/buckets/reference-atlas-data/{}"
)


def _fetch_region_relations_through_siibra() -> None:
    from siibra.core.region import RegionRelationAssessments
    from siibra.retrieval.requests import DECODERS, HttpRequest

    if getattr(RegionRelationAssessments, "_siibra_grpc_fetched", False):
        return

    def get_object(cls: Any, obj: str) -> Any:
        url = REGION_RELATIONS_URL.format(obj.lstrip("/"))
        return HttpRequest(url, DECODERS[".json"]).get()

    def get_snapshot_factory(cls: Any, type_str: str) -> Any:
        def get_objects(ids: str | list[str]) -> list[Any]:
            return [
                cls.get_object(f"ebrainsquery/v3/{type_str}/{uuid}.json")
                for uuid in cls.parse_id_arg(ids)
            ]

        return get_objects

    RegionRelationAssessments.get_object = classmethod(get_object)
    RegionRelationAssessments.get_snapshot_factory = classmethod(get_snapshot_factory)
    RegionRelationAssessments._siibra_grpc_fetched = True


# The probe siibra 1.0.1a20 sends (livequeries/allen.py), verbatim.
ALLEN_PROBE_URL = (
    "http://api.brain-map.org/api/v2/data/query.json?criteria= "
    "service::human_microarray_expression[probes$eq1023146,1023147]"
    "[donors$eq15496][structures$eq9148]"
)


def _probe_allen_through_siibra() -> None:
    import requests
    from siibra.livequeries import allen
    from siibra.retrieval import requests as siibra_requests

    if getattr(allen, "_siibra_grpc_probe", False):
        return

    def available() -> bool:
        try:
            response = siibra_requests.requests.get(ALLEN_PROBE_URL)
            return bool(response.json()["success"])
        except (requests.RequestException, ValueError, KeyError):
            return False

    allen.is_allen_api_microarray_service_available = available
    allen._siibra_grpc_probe = True
