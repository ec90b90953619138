"""Fixes to siibra 1.0.1a20 that an offline-safe service needs.

Each patch is written against that exact version: :func:`apply` refuses any
other, so an upgrade of siibra forces a look at whether each is still needed.

* Neuroglancer mesh providers fetch ``<url>/transform.json`` and ``<url>/info``
  in their constructor. With no network, that breaks the whole table of spaces
  and maps. The patch defers those fetches until a mesh is actually used.
* ``Species.decode`` indexes its id tables with the full URL it was given
  rather than the id it extracted, raising ``KeyError``.
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
