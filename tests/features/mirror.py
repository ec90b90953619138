"""Small feature data files on a local HTTP mirror of the public data hosts.

The machines that run the tests cannot reach the data hosts, so the tests
write small files at the very URLs that the siibra configuration names (read
at run time), under one folder per host, and serve them on 127.0.0.1. The
service reaches them through its upstream mirror setting, as it would reach
an institution's mirror:

* the receptor fingerprint of Area hOc1, with one receptor's mean missing;
* the 16 receptor profiles of Area hOc1, one depth axis for all;
* the streamline counts of HCP subjects 000 and 001 in the 96-region
  Harvard-Oxford parcellation (a zip, as the configuration has it);
* EBRAINS Knowledge Graph documents for related regions, where siibra reads
  them: bucket "reference-atlas-data" of the data proxy.

Values are generated from fixed seeds, so each test knows what to expect.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

FINGERPRINTS = "features/tabular/fingerprints/receptor"
PROFILES = "features/tabular/corticalprofiles/receptor"
STREAMLINE_COUNTS = "features/connectivity/regional/streamlinecounts"
HOC1 = "Area hOc1 (V1, 17, CalcS)"
# Harvard-Oxford cortical, max. probability, threshold 0: 96 regions.
HARVARD_OXFORD = "https://identifiers.org/neurovault.image:1702"
SUBJECTS = ("000", "001")
# Where the patched siibra reads Knowledge Graph documents for related regions.
KG_BUCKET = "https://data-proxy.ebrains.eu/api/v1/buckets/reference-atlas-data/"
OPENMINDS = "https://openminds.ebrains.eu/instances/"
RECEPTORS = ("AMPA", "NMDA", "kainate", "GABAA", "GABAB", "M1", "M2", "5-HT1A")
MISSING_RECEPTOR = "kainate"  # its mean is empty in the served fingerprint
DEPTHS = tuple(range(0, 101, 10))  # percent of cortical depth, as in the TSVs
UNIT = "fmol/mg"


@dataclass(frozen=True)
class RelationDocuments:
    """The Knowledge Graph ids that related-region documents name."""

    hoc1_entity: str  # Julich-Brain 2.9's "Area hOc1 (V1, 17, CalcS)"
    pg_entity: str  # MEBRAINS "PG", a custom anatomical entity
    pga_entity: str  # Julich-Brain 2.9's "Area PGa (IPL)"
    pga_versions: tuple[str, ...]  # its versions, as Julich-Brain 3.0.3 names them


@dataclass
class FeatureMirrorData:
    """The files of the mirror, under ``root/<host>/<path>``, and what they hold."""

    root: Path
    configuration: Path
    fingerprint: dict[str, tuple[float | None, float]] = field(default_factory=dict)
    fingerprint_url: str = ""
    profiles: dict[str, np.ndarray] = field(default_factory=dict)  # receptor ->
    profile_urls: dict[str, str] = field(default_factory=dict)
    matrices: dict[str, np.ndarray] = field(default_factory=dict)  # subject ->
    matrix_regions: list[str] = field(default_factory=list)
    zip_url: str = ""
    urls: list[str] = field(default_factory=list)

    def build(self, relations: RelationDocuments) -> FeatureMirrorData:
        self._build_fingerprint()
        self._build_profiles()
        self._build_connectivity()
        self._build_relations(relations)
        return self

    def _documents(self, folder: str) -> list[dict[str, Any]]:
        return [
            json.loads(path.read_text())
            for path in sorted((self.configuration / folder).glob("*.json"))
        ]

    def path_of(self, url: str) -> Path:
        parts = urlsplit(url)
        return self.root / parts.netloc / parts.path.lstrip("/")

    def _write(self, url: str, data: bytes) -> None:
        path = self.path_of(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.urls.append(url)

    def hosts(self) -> list[str]:
        """Every upstream origin with files here, e.g. "https://data-proxy..."."""
        return sorted(
            {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in self.urls}
        )

    def _build_fingerprint(self) -> None:
        (document,) = [d for d in self._documents(FINGERPRINTS) if d["region"] == HOC1]
        rng = np.random.default_rng(1)
        lines = ["receptor\tdensity (mean)\tdensity (sd)\tunit"]
        for receptor in RECEPTORS:
            mean = (
                None
                if receptor == MISSING_RECEPTOR
                else round(rng.uniform(100, 3000), 1)
            )
            sd = round(rng.uniform(10, 300), 1)
            self.fingerprint[receptor] = (mean, sd)
            lines.append(f"{receptor}\t{'' if mean is None else mean}\t{sd}\t{UNIT}")
        self.fingerprint_url = document["file"]
        self._write(document["file"], ("\n".join(lines) + "\n").encode())

    def _build_profiles(self) -> None:
        rng = np.random.default_rng(2)
        for document in self._documents(PROFILES):
            if document["region"] != HOC1:
                continue
            values = np.round(rng.uniform(50, 2000, len(DEPTHS)), 2)
            receptor = document["receptor"]
            self.profiles[receptor] = values
            self.profile_urls[receptor] = document["file"]
            lines = ["depth\tdensity\tunit"] + [
                f"{depth}\t{value}\t{UNIT}"
                for depth, value in zip(DEPTHS, values, strict=True)
            ]
            self._write(document["file"], ("\n".join(lines) + "\n").encode())

    def _build_connectivity(self) -> None:
        (document,) = [
            d
            for d in self._documents(STREAMLINE_COUNTS)
            if d["parcellation"].get("@id") == HARVARD_OXFORD
        ]
        self.matrix_regions = list(document["regions"])
        size = len(self.matrix_regions)
        rng = np.random.default_rng(3)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for subject in SUBJECTS:
                upper = np.triu(rng.integers(0, 5000, (size, size)), 1)
                matrix = upper + upper.T
                self.matrices[subject] = matrix
                text = "\n".join(" ".join(str(v) for v in row) for row in matrix)
                archive.writestr(document["files"][subject], text + "\n")
        self.zip_url = document["repository"]["url"]
        self._write(self.zip_url, buffer.getvalue())

    def _build_relations(self, ids: RelationDocuments) -> None:
        def write(kind: str, uuid: str, body: dict[str, Any]) -> None:
            url = f"{KG_BUCKET}ebrainsquery/v3/{kind}/{uuid}.json"
            self._write(url, json.dumps(body).encode())

        homologous = [{"name": "is homologous to"}]
        # Area hOc1: no relation of its own; its other versions share the entity.
        write(
            "ParcellationEntity",
            ids.hoc1_entity,
            {"id": f"{OPENMINDS}parcellationEntity/{ids.hoc1_entity}"},
        )
        # Macaque PG is homologous to human Area PGa, as in siibra's docstring.
        write(
            "CustomAnatomicalEntity",
            ids.pg_entity,
            {
                "id": f"{OPENMINDS}customAnatomicalEntity/{ids.pg_entity}",
                "relationAssessment": [
                    {
                        "qualitativeOverlap": homologous,
                        "inRelationTo": [
                            {
                                "id": f"{OPENMINDS}parcellationEntity/{ids.pga_entity}",
                                "type": [
                                    "https://openminds.ebrains.eu/sands/"
                                    "ParcellationEntity"
                                ],
                            }
                        ],
                    }
                ],
            },
        )
        write(
            "ParcellationEntity",
            ids.pga_entity,
            {
                "id": f"{OPENMINDS}parcellationEntity/{ids.pga_entity}",
                "hasVersion": [
                    {"id": f"{OPENMINDS}parcellationEntityVersion/{v}"}
                    for v in ids.pga_versions
                ],
            },
        )
