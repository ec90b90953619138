"""Snapshots: round trip, cache keys, and the tolerance of a bad cache file."""

from __future__ import annotations

from pathlib import Path

from catalog import snapshot
from catalog.snapshot import NameVocabulary, Snapshot
from siibragrpc.v1 import atlases_pb2, regions_pb2


def tiny_snapshot(version: str = "v1") -> Snapshot:
    return Snapshot(
        data_version=version,
        vocabulary=NameVocabulary(remove=(" -",), replace=(("ctx-lh-", "left "),)),
        atlases=[atlases_pb2.Atlas(id="a/1", name="Atlas One")],
        spaces=[],
        parcellations=[],
        regions={"p/1": [regions_pb2.Region(id="r/1", name="Region One")]},
        region_parents={"p/1": [-1]},
        preference={"atlases": {"a/1": 0}},
    )


def test_round_trip_keeps_every_message():
    original = tiny_snapshot()

    restored = Snapshot.from_bytes(original.to_bytes())

    assert restored == original


def test_store_then_load_by_version(tmp_path: Path):
    snapshot.store(tmp_path, tiny_snapshot("v7"))

    assert snapshot.load_cached(tmp_path, "v7") == tiny_snapshot("v7")
    assert snapshot.load_cached(tmp_path, "v8") is None


def test_corrupt_cache_file_is_ignored(tmp_path: Path):
    snapshot.snapshot_path(tmp_path, "v1").write_bytes(b"not a snapshot")

    assert snapshot.load_cached(tmp_path, "v1") is None


def test_configuration_content_changes_the_data_version(tmp_path: Path):
    (tmp_path / "atlases").mkdir()
    document = tmp_path / "atlases" / "human.json"
    document.write_text('{"name": "a"}')
    before = snapshot.data_version(tmp_path)

    document.write_text('{"name": "b"}')

    assert snapshot.data_version(tmp_path) != before
    assert snapshot.data_version(tmp_path).startswith("siibra-1.0.1a20+")


def test_online_configuration_has_its_own_version():
    assert "+online+" in snapshot.data_version(None)
