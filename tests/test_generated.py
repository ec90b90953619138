"""The committed stubs match what the protos generate."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_committed_stubs_are_fresh():
    spec = importlib.util.spec_from_file_location(
        "genprotos", ROOT / "tools/genprotos.py"
    )
    assert spec is not None and spec.loader is not None
    genprotos = importlib.util.module_from_spec(spec)
    sys.modules["genprotos"] = genprotos
    spec.loader.exec_module(genprotos)
    genprotos.copy_google_protos()

    assert genprotos.check_stubs() == []
