"""The patched voxel reads of siibra's sparse (statistical) maps."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np


def sparse_index() -> SimpleNamespace:
    voxels = np.full((4, 4, 4), -1, dtype=np.int32)  # -1: no region here
    voxels[1, 1, 1] = 0
    voxels[2, 2, 2] = 1
    return SimpleNamespace(voxels=voxels, probs=[{3: 0.5, 4: 0.25}, {7: 0.9}])


def test_points_in_background_or_outside_read_nothing(siibra):
    from siibra.volumes.sparsemap import SparseMap

    fake_map = SimpleNamespace(sparse_index=sparse_index())
    x = y = z = np.array([1, 2, 0, 9, -1])  # in, in, background, beyond, before

    read = SparseMap._read_voxel(fake_map, x, y, z)

    # Unpatched, the background point read the last entry (7: 0.9), the point
    # beyond raised IndexError and the one before wrapped to voxel (3, 3, 3).
    assert read == [(0, 3, None, 0.5), (0, 4, None, 0.25), (1, 7, None, 0.9)]


def test_a_single_voxel_reads_its_entry(siibra):
    from siibra.volumes.sparsemap import SparseMap

    fake_map = SimpleNamespace(sparse_index=sparse_index())

    assert SparseMap._read_voxel(fake_map, 2, 2, 2) == [(0, 7, None, 0.9)]
    assert SparseMap._read_voxel(fake_map, 3, 3, 3) == []
