"""The expensive MapService calls: point assignment, spatial properties, volumes.

Each handler runs siibra inside a :func:`~upstream.scope.fetch_scope`, so its
fetches go to the configured mirrors, spend one byte budget, and a failed
fetch that siibra swallows still decides the call's status.

The server resolves names before it dispatches, but handlers also accept
requests as clients wrote them (long-running operations pass them through
unchanged), so they resolve ids, keys and names with siibra themselves.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from google.api import httpbody_pb2

from serializers import maps as serialize
from serializers.common import ref
from server.errors import InvalidArgumentError, NotFoundError, ResourceExhaustedError
from siibragrpc.v1 import maps_pb2
from upstream.scope import FetchScope, fetch_scope
from worker import runtime
from worker.calls import method_name, register
from worker.criticality import Criticality

_LOGGER = logging.getLogger(__name__)

# TODO: siibra keeps module-level caches (fetched volumes, masks) without
# locks; in all-in-one mode two threads of the volumes pool can race on them.
# A worker process runs one call at a time.

_SERVICE = maps_pb2.DESCRIPTOR.services_by_name["MapService"]
ASSIGN_POINT = method_name(_SERVICE, "AssignPoint")
GET_VOLUME = method_name(_SERVICE, "GetVolume")
GET_REGION_SPATIAL_PROPERTIES = method_name(_SERVICE, "GetRegionSpatialProperties")

# siibra 1.0.1a20 (Map._assign_points) reads an uncertain point as an exact
# one when its sigma is under this many voxels of the map.
SIIBRA_EXACT_BELOW_VOXELS = 3.0
# siibra 1.0.1a20's image formats (Volume.IMAGE_FORMATS), in its order of
# preference; "image" asks siibra for the first it can fetch.
IMAGE_FORMATS = ("nii", "zip/nii", "neuroglancer/precomputed")
ANY_IMAGE = "image"


def check_point(request: maps_pb2.AssignPointRequest) -> None:
    """Checks what needs no data: the point is given, finite, sigma is sane.

    Raises:
        InvalidArgumentError: no coordinates, a coordinate or sigma_mm that is
            NaN or infinite, or a negative sigma_mm.
    """
    if not request.HasField("coordinates"):
        raise InvalidArgumentError("coordinates are required", "coordinates")
    point = request.coordinates
    for axis in ("x", "y", "z"):
        if not math.isfinite(getattr(point, axis)):
            raise InvalidArgumentError(
                f"coordinates.{axis} must be a finite number, "
                f"got {getattr(point, axis)}",
                f"coordinates.{axis}",
            )
    if not math.isfinite(request.sigma_mm) or request.sigma_mm < 0:
        raise InvalidArgumentError(
            f"sigma_mm must be a finite number >= 0, got {request.sigma_mm}",
            "sigma_mm",
        )


def check_volume_request(request: maps_pb2.GetVolumeRequest) -> str:
    """Checks the request's shape; returns its source, "map_id" or "space_id".

    Raises:
        InvalidArgumentError: no source, or fields that do not apply to it.
    """
    source: str | None = request.WhichOneof("source")
    if source is None:
        raise InvalidArgumentError("map_id or space_id is required", "map_id")
    if source == "space_id" and (request.region_id or request.fragment):
        field = "region_id" if request.region_id else "fragment"
        raise InvalidArgumentError(f"{field} applies to map volumes only", field)
    if request.region_id and request.fragment:
        raise InvalidArgumentError(
            "give region_id or fragment, not both: a region lies in its own fragment",
            "fragment",
        )
    return source


def image_format(formats: Iterable[str], wanted: str, what: str) -> str:
    """The format to fetch a volume in: "image" (any) or ``wanted``.

    Args:
        formats: The formats the volume is offered in.
        wanted: The format the request asks for; empty for any.
        what: The volume, for messages.

    Raises:
        InvalidArgumentError: no image format, or not ``wanted``, is offered.
    """
    available = set(formats)
    offered = [f for f in IMAGE_FORMATS if f in available]
    if not offered:
        raise InvalidArgumentError(f"{what} has no image volume", "format")
    if not wanted:
        return ANY_IMAGE
    if wanted not in offered:
        raise InvalidArgumentError(
            f"{what} is not offered as {wanted!r}; image formats: {', '.join(offered)}",
            "format",
        )
    return wanted


def match_fragment(fragments: Iterable[str], wanted: str) -> str:
    """The fragment ``wanted`` names, matched as siibra matches it: a
    case-insensitive part of exactly one fragment's name.

    Raises:
        InvalidArgumentError: it matches no fragment, or several.
    """
    names = sorted(fragments)
    matches = [f for f in names if wanted.lower() in f.lower()]
    if len(matches) != 1:
        raise InvalidArgumentError(
            f"fragment {wanted!r} does not name one fragment; fragments: "
            f"{', '.join(names) or 'none'}",
            "fragment",
        )
    return matches[0]


@contextmanager
def _fetching() -> Iterator[FetchScope]:
    with fetch_scope(runtime.settings().upstream_policy) as scope:
        yield scope


def _find_map(siibra: Any, spec: str) -> Any:
    """Raises: NotFoundError: no map has that id or key."""
    wanted = spec.strip()
    for siibra_map in siibra.maps:
        if wanted in (siibra_map.id, siibra_map.key) or (
            siibra_map.key.lower() == wanted.lower()
        ):
            return siibra_map
    raise NotFoundError("map", wanted)


def _find_space(siibra: Any, spec: str) -> Any:
    """Raises: NotFoundError: siibra resolves no space from ``spec``."""
    for space in siibra.spaces:
        if space.id == spec:
            return space
    try:
        return siibra.spaces.get(spec)
    except (IndexError, RuntimeError):
        raise NotFoundError("space", spec) from None


def _find_region(parcellation: Any, spec: str) -> Any:
    """A region of a parcellation by id, key or name, as siibra resolves it.

    Raises:
        NotFoundError: no region matches.
        InvalidArgumentError: several regions match equally well.
    """
    try:
        return parcellation.get_region(spec)
    except ValueError:
        raise NotFoundError("region", spec) from None
    except RuntimeError as error:  # siibra's "multiple matches"
        raise InvalidArgumentError(str(error), "region_id") from None


def _mapped_name(siibra_map: Any, spec: str) -> str:
    """The name under which a map holds the region ``spec`` (an id or name).

    Raises:
        NotFoundError: the parcellation has no such region.
        InvalidArgumentError: ambiguous, or the map does not hold it.
    """
    if spec in siibra_map._indices:
        return spec
    region = _find_region(siibra_map.parcellation, spec)
    if region.name not in siibra_map._indices:
        raise InvalidArgumentError(
            f"{region.name!r} is not a region of map {siibra_map.id}", "region_id"
        )
    return str(region.name)


def _voxel_size_mm(siibra_map: Any) -> float:
    # numpy comes with siibra; the server imports this module for its checks.
    import numpy as np

    # As Map._assign_points measures it: the mean length of the voxel axes.
    affine = np.asarray(siibra_map.affine)
    return float(np.mean([np.linalg.norm(affine[:, i]) for i in range(3)]))


def _check_sigma(siibra_map: Any, sigma_mm: float) -> None:
    """Raises: InvalidArgumentError: siibra would ignore this sigma."""
    smallest = SIIBRA_EXACT_BELOW_VOXELS * _voxel_size_mm(siibra_map)
    if sigma_mm < smallest:
        raise InvalidArgumentError(
            f"sigma_mm {sigma_mm} is under three voxels of this map, which siibra "
            f"treats as an exact point: give 0 for an exact point, or at least "
            f"{smallest:.4g} mm",
            "sigma_mm",
        )


@register(ASSIGN_POINT, maps_pb2.AssignPointRequest, Criticality.VOLUMES)
def assign_point(request: maps_pb2.AssignPointRequest) -> maps_pb2.AssignPointResponse:
    """The regions of a map at a point, with siibra's values.

    Raises:
        InvalidArgumentError: a malformed point, a sigma siibra would ignore,
            or a sigma with a point in another space.
        NotFoundError: unknown map or space.
        UnavailableError: an upstream host (or its mirror) failed.
        ResourceExhaustedError: the map's data is over the fetch limit.
    """
    check_point(request)
    with _fetching() as scope:
        siibra = runtime.siibra()
        siibra_map = _find_map(siibra, request.map_id)
        space = siibra_map.space
        if request.space_id:
            space = _find_space(siibra, request.space_id)
        if request.sigma_mm and space != siibra_map.space:
            raise InvalidArgumentError(
                "sigma_mm needs a point in the map's space: siibra drops the "
                "uncertainty when it warps points between spaces",
                "sigma_mm",
            )
        c = request.coordinates
        point = siibra.Point((c.x, c.y, c.z), space=space, sigma_mm=request.sigma_mm)
        if space != siibra_map.space:
            point = _warp(siibra, point, siibra_map.space, scope)
        if request.sigma_mm:
            _check_sigma(siibra_map, request.sigma_mm)
        table = siibra_map.assign(point)
        labelled = siibra_map.is_labelled
        assignments = serialize.region_assignments(table, labelled)
    if not labelled:
        assignments.sort(key=lambda a: a.map_value, reverse=True)
    return maps_pb2.AssignPointResponse(
        map=ref(siibra_map),
        space=ref(siibra_map.space),
        coordinates=serialize.coordinates(point.coordinate),
        sigma_mm=request.sigma_mm,
        assignments=assignments,
    )


def _warp(siibra: Any, point: Any, space: Any, scope: FetchScope) -> Any:
    """The point in ``space``, by siibra's remote warping service.

    Raises:
        UnavailableError: the warping service (or its mirror) failed.
        InvalidArgumentError: siibra cannot warp between these spaces.
    """
    from siibra.exceptions import SpaceWarpingFailedError

    try:
        return point.warp(space)
    except SpaceWarpingFailedError as error:
        raise scope.error() or InvalidArgumentError(str(error), "space_id") from None


def _map_image(siibra_map: Any, request: maps_pb2.GetVolumeRequest) -> Any:
    if request.region_id:
        name = _mapped_name(siibra_map, request.region_id)
        volume = siibra_map.get_volume(region=name)
        return volume.fetch(format=image_format(volume.formats, request.format, name))
    if len(siibra_map.volumes) > 1 and not siibra_map.is_labelled:
        raise InvalidArgumentError(
            f"{siibra_map.id} has one volume per region: give region_id",
            "region_id",
        )
    volume = siibra_map.get_volume()
    options = {"format": image_format(volume.formats, request.format, siibra_map.id)}
    if request.fragment:
        # An unmatched fragment would be swallowed by Volume.fetch as None.
        options["fragment"] = match_fragment(siibra_map.fragments, request.fragment)
    return volume.fetch(**options)


@register(
    GET_VOLUME,
    maps_pb2.GetVolumeRequest,
    Criticality.VOLUMES,
)
def get_volume(request: maps_pb2.GetVolumeRequest) -> httpbody_pb2.HttpBody:
    """A map's volume, a region's map, or a space's template, as NIfTI.

    Raises:
        InvalidArgumentError: fields that do not fit together, a format the
            volume does not offer, a region the map does not hold.
        NotFoundError: unknown map, space or region.
        UnavailableError: an upstream host (or its mirror) failed.
        ResourceExhaustedError: the volume is over the fetch limit.
    """
    source = check_volume_request(request)
    limit = runtime.settings().max_fetch_bytes
    with _fetching() as scope:
        siibra = runtime.siibra()
        if source == "space_id":
            space = _find_space(siibra, request.space_id)
            try:
                template = space.get_template()
            except RuntimeError:
                raise InvalidArgumentError(
                    f"{space.name} has no template volume", "space_id"
                ) from None
            what = f"the template of {space.name}"
            image = template.fetch(
                format=image_format(template.formats, request.format, what)
            )
        else:
            siibra_map = _find_map(siibra, request.map_id)
            image = _map_image(siibra_map, request)
            what = siibra_map.id
        if image is None:
            raise scope.error() or RuntimeError(f"siibra fetched no image of {what}")
        body = serialize.nifti_body(image)
    if len(body.data) > limit:
        raise ResourceExhaustedError(
            f"the NIfTI file of {what} has {len(body.data)} bytes, over the "
            f"{limit} bytes a call may send (max_fetch_bytes)"
        )
    _LOGGER.debug("volume of %s: %d bytes", what, len(body.data))
    return body


_MAP_TYPES = {
    maps_pb2.MAP_TYPE_UNSPECIFIED: "LABELLED",
    maps_pb2.MAP_TYPE_LABELLED: "LABELLED",
    maps_pb2.MAP_TYPE_STATISTICAL: "STATISTICAL",
}


@register(
    GET_REGION_SPATIAL_PROPERTIES,
    maps_pb2.GetRegionSpatialPropertiesRequest,
    Criticality.VOLUMES,
)
def region_spatial_properties(
    request: maps_pb2.GetRegionSpatialPropertiesRequest,
) -> maps_pb2.RegionSpatialProperties:
    """Centroids, volumes and bounding box of a region's mask in a space.

    Raises:
        InvalidArgumentError: no space given, or the region has no map of
            that type in that space.
        NotFoundError: unknown parcellation, region or space.
        UnavailableError: an upstream host (or its mirror) failed.
        ResourceExhaustedError: the map's data is over the fetch limit.
    """
    if not request.space_id.strip():
        raise InvalidArgumentError("space_id is required", "space_id")
    if request.map_type not in _MAP_TYPES:
        raise InvalidArgumentError(f"{request.map_type} is no map type", "map_type")
    with _fetching() as scope:
        siibra = runtime.siibra()
        from siibra.commons import MapType
        from siibra.exceptions import NoMapAvailableError

        try:
            parcellation = siibra.parcellations.get(request.parcellation_id)
        except (IndexError, RuntimeError):
            raise NotFoundError("parcellation", request.parcellation_id) from None
        region = _find_region(parcellation, request.region_id)
        space = _find_space(siibra, request.space_id)
        kind = MapType[_MAP_TYPES[request.map_type]]
        try:
            mask = region.get_regional_mask(space, maptype=kind)
        except NoMapAvailableError as error:
            raise InvalidArgumentError(str(error), "space_id") from None
        # The same two steps as Region.spatial_props and get_boundingbox, on
        # one mask, so the image is fetched once.
        components = mask.compute_spatial_props()
        bounding_box = mask.get_boundingbox(clip=True, background=0.0)
        if bounding_box is None:
            raise scope.error() or RuntimeError(f"no bounding box of {region.name}")
    return serialize.spatial_properties(
        region,
        space,
        maps_pb2.MAP_TYPE_STATISTICAL
        if kind == MapType.STATISTICAL
        else maps_pb2.MAP_TYPE_LABELLED,
        components,
        bounding_box,
    )
