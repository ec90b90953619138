"""Tiny synthetic volumes on a local HTTP mirror of the public data hosts.

The machines that run the tests cannot reach the data hosts, so the tests
build small volumes at the very URLs the siibra configuration names, under
one folder per host, and serve them on 127.0.0.1. The service reaches them
through its mirror setting, exactly as it would reach an institution's mirror.

What is built follows the real configuration: the Julich-Brain 3.1 labelled
map in MNI152 (NIfTI and neuroglancer precomputed, one volume per hemisphere,
with the label indices the configuration gives), the region maps and the
precomputed sparse index of its 207-area statistical map, and the MNI152 and
Colin 27 templates (a zipped NIfTI and neuroglancer precomputed). Coordinates
are real MNI coordinates; the grid is coarse (4 mm) so that everything is
built and fetched in milliseconds. The Colin 27 template is random noise, so
it does not compress: the size-limit tests fetch it.
"""

from __future__ import annotations

import gzip
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nibabel as nib
import numpy as np

JULICH_3_1_LABELLED = "siibra-map-v0.0.1_mni152-jba31-labelled"
JULICH_3_1_STATISTICAL = "siibra-map-v0.0.1_mni152-jba31_207-continuous"
MNI152 = "minds/core/referencespace/v1.0.0/dafcffc5-4826-4bf1-8ff6-46b8a31ff8e2"
COLIN27 = "minds/core/referencespace/v1.0.0/7f39f7be-445b-47c0-9791-e971c0b6d992"
# Where siibra 1.0.1a20 (SparseIndex._DATAPROXY_BASEURL) looks for the
# precomputed sparse index of a statistical map, by the map's key in lower case.
SPARSE_INDEX_BASE = (
    "https://data-proxy.ebrains.eu/api/v1/buckets/reference-atlas-data/"
    "sparse-indices/sparse-indices-siibra_python_v1.0/"
)
SPARSE_INDEX_KEY = "mni152_jba31_207_continuous"

# The grid: MNI152 millimetres from this corner, in voxels of RESOLUTION_MM.
GRID_ORIGIN_MM = np.array([-96.0, -132.0, -78.0])
GRID_EXTENT_MM = np.array([192.0, 228.0, 180.0])
NG_CHUNK = 32


@dataclass(frozen=True)
class Blob:
    """A labelled box of voxels: a region's place in the synthetic map."""

    region: str  # the name as the map configuration gives it
    center_mm: tuple[float, float, float]
    half_width_mm: float


# Regions of Julich-Brain 3.1 placed where they really are, roughly.
LABELLED_BLOBS = (
    Blob("Area hOc1 (V1, 17, CalcS) - left hemisphere", (-12.0, -88.0, 4.0), 8.0),
    Blob("Area hOc1 (V1, 17, CalcS) - right hemisphere", (12.0, -88.0, 4.0), 8.0),
    Blob("Area 44 (IFG) - left hemisphere", (-52.0, 12.0, 12.0), 6.0),
    Blob("Area 44 (IFG) - right hemisphere", (52.0, 12.0, 12.0), 6.0),
)
# Statistical maps: a peak value at a centre, falling off with distance.
STATISTICAL_PEAKS = (
    ("Area hOc1 (V1, 17, CalcS) - left hemisphere", (-12.0, -88.0, 4.0), 0.9),
    ("Area hOc1 (V1, 17, CalcS) - right hemisphere", (12.0, -88.0, 4.0), 0.8),
    ("Area hOc2 (V2, 18) - left hemisphere", (-16.0, -92.0, 8.0), 0.6),
)
STATISTICAL_SIGMA_MM = 6.0
STATISTICAL_FLOOR = 0.05


def grid_affine(resolution_mm: float) -> np.ndarray:
    affine = np.diag([resolution_mm] * 3 + [1.0])
    affine[:3, 3] = GRID_ORIGIN_MM
    return affine


def grid_shape(resolution_mm: float) -> tuple[int, int, int]:
    x, y, z = np.ceil(GRID_EXTENT_MM / resolution_mm).astype(int)
    return int(x), int(y), int(z)


def voxel_of(
    point_mm: tuple[float, float, float], resolution_mm: float
) -> tuple[int, int, int]:
    """The voxel siibra reads for a point: the nearest voxel centre."""
    vox = np.linalg.inv(grid_affine(resolution_mm)) @ np.r_[point_mm, 1.0]
    x, y, z = (int(v) for v in (vox[:3] + 0.5).astype(int))
    return x, y, z


def _axes_mm(resolution_mm: float) -> list[np.ndarray]:
    """Voxel centres along x, y and z, shaped to broadcast to the grid."""
    shape = grid_shape(resolution_mm)
    axes = []
    for axis, size in enumerate(shape):
        centres = GRID_ORIGIN_MM[axis] + resolution_mm * np.arange(size)
        axes.append(centres.reshape([-1 if a == axis else 1 for a in range(3)]))
    return axes


@dataclass
class SyntheticData:
    """The files of the synthetic mirror, under ``root/<host>/<path>``."""

    root: Path
    configuration: Path
    resolution_mm: float = 4.0
    ng_chunk: int = NG_CHUNK
    labels: dict[str, tuple[int, str]] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    def build(self) -> SyntheticData:
        labelled = self._document("maps/mni152-jba31-labelled.json")
        self.labels = {
            name: (index[0]["label"], index[0]["fragment"])
            for name, index in labelled["indices"].items()
        }
        self._build_labelled(labelled["volumes"][0]["providers"])
        self._build_statistical(self._document("maps/mni152-jba31_207-continuous.json"))
        # siibra takes a region's statistical mask from the first map that has
        # it, the 227-area version; it gets the same region maps, no index.
        self._build_statistical(
            self._document("maps/mni152-jba31_227-continuous.json"), sparse=False
        )
        mni = self._document("spaces/icbm_152_2009c_nonl_asym.json")
        self._build_template(mni["volumes"][0]["providers"], noise=False)
        colin = self._document("spaces/mni_colin_27.json")
        self._build_template(colin["volumes"][0]["providers"], noise=True)
        return self

    def _document(self, relative: str) -> Any:
        return json.loads((self.configuration / relative).read_text())

    def path_of(self, url: str) -> Path:
        parts = urlsplit(url)
        return self.root / parts.netloc / parts.path.lstrip("/")

    def _write(self, url: str, data: bytes) -> None:
        path = self.path_of(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def hosts(self) -> list[str]:
        """Every upstream origin with files here, e.g. "https://data-proxy..."."""
        return sorted(
            {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in self.urls.values()}
        )

    def label_array(self, fragment: str) -> np.ndarray:
        """The labelled volume of one hemisphere, as the configuration labels it."""
        array = np.zeros(grid_shape(self.resolution_mm), dtype=np.uint16)
        axes = _axes_mm(self.resolution_mm)
        for blob in LABELLED_BLOBS:
            label, blob_fragment = self.labels[blob.region]
            if blob_fragment != fragment:
                continue
            x, y, z = (
                np.abs(a - c) <= blob.half_width_mm
                for a, c in zip(axes, blob.center_mm, strict=True)
            )
            array[x & y & z] = label
        return array

    def _build_labelled(self, providers: dict[str, dict[str, str]]) -> None:
        affine = grid_affine(self.resolution_mm)
        for fragment, url in providers["nii"].items():
            image = nib.Nifti1Image(self.label_array(fragment), affine)
            self._write(url, gzip.compress(image.to_bytes(), mtime=0))
            self.urls[f"labelled nii {fragment}"] = url
        for fragment, url in providers["neuroglancer/precomputed"].items():
            self._write_precomputed(url, self.label_array(fragment), "segmentation")
            self.urls[f"labelled precomputed {fragment}"] = url

    def statistical_array(self, region: str) -> np.ndarray:
        axes = _axes_mm(self.resolution_mm)
        for name, centre, peak in STATISTICAL_PEAKS:
            if name == region:
                distance2 = sum((a - c) ** 2 for a, c in zip(axes, centre, strict=True))
                values = peak * np.exp(-distance2 / (2 * STATISTICAL_SIGMA_MM**2))
                values[values < STATISTICAL_FLOOR] = 0
                return values.astype(np.float32)
        raise KeyError(region)

    def _build_statistical(self, document: dict[str, Any], sparse: bool = True) -> None:
        affine = grid_affine(self.resolution_mm)
        arrays: dict[int, np.ndarray] = {}
        for name, _centre, _peak in STATISTICAL_PEAKS:
            volume = document["indices"][name][0]["volume"]
            url = document["volumes"][volume]["providers"]["nii"]
            arrays[volume] = self.statistical_array(name)
            image = nib.Nifti1Image(arrays[volume], affine)
            self._write(url, gzip.compress(image.to_bytes(), mtime=0))
            self.urls[f"statistical {name} {document['@id']}"] = url
        if sparse:
            self._write_sparse_index(arrays, len(document["volumes"]), affine)

    def _write_sparse_index(
        self, arrays: dict[int, np.ndarray], volumes: int, affine: np.ndarray
    ) -> None:
        """The three files of siibra's sparse index format (SparseIndex.save)."""
        shape = grid_shape(self.resolution_mm)
        voxels = np.full(shape, -1, dtype=np.int32)
        probs: list[dict[int, float]] = []
        bboxes = []
        for volume in range(volumes):
            array = arrays.get(volume)
            if array is None:
                bboxes.append("0 0 0 0 0 0")  # a region this mirror has no data for
                continue
            xs, ys, zs = np.nonzero(array)
            for x, y, z in zip(xs, ys, zs, strict=True):
                if voxels[x, y, z] < 0:
                    voxels[x, y, z] = len(probs)
                    probs.append({})
                probs[voxels[x, y, z]][volume] = float(array[x, y, z])
            bboxes.append(
                f"{xs.min()} {ys.min()} {zs.min()} {xs.max()} {ys.max()} {zs.max()}"
            )
        base = SPARSE_INDEX_BASE + SPARSE_INDEX_KEY
        image = nib.Nifti1Image(voxels, affine)
        self._write(
            base + ".sparseindex_v1.voxels.nii.gz",
            gzip.compress(image.to_bytes(), mtime=0),
        )
        lines = "".join(
            " ".join(f"{v} {p}" for v, p in entry.items()) + "\n" for entry in probs
        )
        self._write(
            base + ".sparseindex_v1.probs.txt.gz",
            gzip.compress(lines.encode(), mtime=0),
        )
        self._write(
            base + ".sparseindex_v1.bboxes.txt.gz",
            gzip.compress(("\n".join(bboxes) + "\n").encode(), mtime=0),
        )
        self.urls["sparse index"] = base

    def template_array(self, noise: bool) -> np.ndarray:
        shape = grid_shape(self.resolution_mm)
        if noise:
            return np.random.default_rng(27).integers(0, 255, shape, dtype=np.uint8)
        axes = _axes_mm(self.resolution_mm)
        centre, radii = (0.0, -20.0, 10.0), (70.0, 100.0, 75.0)
        inside = (
            sum(((a - c) / r) ** 2 for a, c, r in zip(axes, centre, radii, strict=True))
            <= 1
        )
        return (inside * 200).astype(np.uint8)

    def _build_template(self, providers: dict[str, str], noise: bool) -> None:
        array = self.template_array(noise)
        url, member = providers["zip/nii"].split(" ")
        image = nib.Nifti1Image(array, grid_affine(self.resolution_mm))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(member, image.to_bytes())
        self._write(url, buffer.getvalue())
        name = "colin27" if noise else "mni152"
        self.urls[f"{name} template zip"] = url
        if not noise:
            precomputed = providers["neuroglancer/precomputed"]
            self._write_precomputed(precomputed, array, "image")
            self.urls[f"{name} template precomputed"] = precomputed

    def _write_precomputed(self, url: str, array: np.ndarray, kind: str) -> None:
        """Neuroglancer precomputed, raw encoding, one scale, flat chunk names.

        siibra computes the affine from transform.json (nanometres) and the
        scale's resolution, adding half a voxel; the transform here makes it
        equal to the NIfTI files' affine.
        """
        resolution_nm = self.resolution_mm * 1e6
        transform = np.identity(4)
        transform[:3, 3] = GRID_ORIGIN_MM * 1e6 - 0.5 * resolution_nm
        key = f"{self.resolution_mm:g}mm"
        info = {
            "type": kind,
            "data_type": str(array.dtype),
            "num_channels": 1,
            "scales": [
                {
                    "key": key,
                    "size": list(array.shape),
                    "resolution": [resolution_nm] * 3,
                    "voxel_offset": [0, 0, 0],
                    "chunk_sizes": [[self.ng_chunk] * 3],
                    "encoding": "raw",
                }
            ],
        }
        self._write(f"{url}/info", json.dumps(info).encode())
        self._write(f"{url}/transform.json", json.dumps(transform.tolist()).encode())
        size = self.ng_chunk
        for x0, y0, z0 in np.ndindex(*(-(-np.array(array.shape) // size))):
            x0, y0, z0 = x0 * size, y0 * size, z0 * size
            chunk = array[x0 : x0 + size, y0 : y0 + size, z0 : z0 + size]
            x1, y1, z1 = (s + c for s, c in zip((x0, y0, z0), chunk.shape, strict=True))
            # Raw chunks are stored z, y, x, as neuroglancer reads them.
            self._write(
                f"{url}/{key}/{x0}-{x1}_{y0}-{y1}_{z0}-{z1}",
                np.ascontiguousarray(chunk.transpose(2, 1, 0)).tobytes(),
            )


class _QuietHandler(SimpleHTTPRequestHandler):
    served: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are recorded, not printed."""

    def send_head(self) -> Any:
        self.server.served.append(self.path)  # type: ignore[attr-defined]
        return super().send_head()


class MirrorServer:
    """Serves a folder on 127.0.0.1, one subfolder per mirrored host."""

    def __init__(self, root: Path) -> None:
        handler = partial(_QuietHandler, directory=str(root))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.served = []  # type: ignore[attr-defined]
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def served(self) -> list[str]:
        """Paths requested so far, in order."""
        return self._server.served  # type: ignore[attr-defined,no-any-return]

    def mirrors(self, origins: list[str]) -> str:
        """The SIIBRA_GRPC_UPSTREAM_MIRRORS value sending ``origins`` here."""
        return ",".join(
            f"{origin}={self.base_url}/{urlsplit(origin).netloc}" for origin in origins
        )

    def start(self) -> MirrorServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def iter_chunk_paths(served: list[str]) -> Iterator[str]:
    """The neuroglancer chunk requests among served paths."""
    return (p for p in served if "mm/" in p and "_" in p.rsplit("/", 1)[-1])
