"""Builds everything generated from ``protos/``: Python stubs and Envoy's descriptor.

The Python stubs are committed under ``stubs/`` so that other services can
install them without protoc; ``--check`` fails when they are stale. The
descriptor set and the ``google/api`` protos it needs go into the ignored
``build/`` folder.

Usage: python tools/genprotos.py [--check]
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

import google.api
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
STUBS = ROOT / "stubs"
BUILD = ROOT / "build"
PROTO_DEPS = BUILD / "proto-deps"
DESCRIPTOR = BUILD / "siibragrpc.pb"
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")


def _google_api_protos() -> Path:
    return Path(next(iter(google.api.__path__)))


def _grpc_tools_include() -> Path:
    import grpc_tools

    return Path(grpc_tools.__file__).parent / "_proto"


# The google protos our protos import, and the google/rpc error details that
# Envoy must know to print a status's details as JSON. Keys are the import
# paths; values the files' names inside googleapis-common-protos.
GOOGLE_PROTOS = {
    f"google/api/{name}": f"api/{name}"
    for name in (
        "annotations.proto",
        "http.proto",
        "httpbody.proto",
        "client.proto",
        "field_behavior.proto",
        "launch_stage.proto",
    )
} | {
    "google/rpc/status.proto": "rpc/status.proto",
    "google/rpc/error_details.proto": "rpc/error_details.proto",
    "google/longrunning/operations.proto": "longrunning/operations_proto.proto",
}
# Not imported by our protos, but their messages appear in our responses.
DESCRIPTOR_EXTRAS = ("google/rpc/status.proto", "google/rpc/error_details.proto")


def copy_google_protos() -> None:
    """Copies the google protos we need out of googleapis-common-protos."""
    googleapis = _google_api_protos().parent
    for import_path, source in GOOGLE_PROTOS.items():
        target = PROTO_DEPS / import_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(googleapis / source, target)


def _sources() -> list[str]:
    return sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))


def _protoc(*args: str, extra_sources: tuple[str, ...] = ()) -> None:
    argv = [
        "protoc",
        f"-I{PROTOS}",
        f"-I{PROTO_DEPS}",
        f"-I{_grpc_tools_include()}",
        *args,
        *_sources(),
        *extra_sources,
    ]
    if protoc.main(argv) != 0:
        raise SystemExit(f"protoc failed: {' '.join(argv)}")


def generate_stubs(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    _protoc(f"--python_out={out}", f"--pyi_out={out}", f"--grpc_python_out={out}")
    # protoc writes no __init__.py; make every generated folder a package.
    for module in out.rglob("*_pb2.py"):
        folder = module.parent
        while folder != out:
            (folder / "__init__.py").touch()
            folder = folder.parent


def generate_descriptor() -> None:
    _protoc(
        f"--descriptor_set_out={DESCRIPTOR}",
        "--include_imports",
        extra_sources=DESCRIPTOR_EXTRAS,
    )


def _generated_files(root: Path) -> dict[Path, Path]:
    return {
        p.relative_to(root): p
        for p in root.rglob("*")
        if p.is_file() and p.name.endswith(GENERATED_SUFFIXES)
    }


def check_stubs() -> list[str]:
    """Returns the stub files that differ from a fresh generation."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh_root = Path(tmp)
        generate_stubs(fresh_root)
        fresh = _generated_files(fresh_root)
        committed = _generated_files(STUBS)
        stale = sorted(str(p) for p in fresh.keys() ^ committed.keys())
        stale += sorted(
            str(p)
            for p in fresh.keys() & committed.keys()
            if not filecmp.cmp(fresh[p], committed[p], shallow=False)
        )
        return stale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if stubs/ is stale")
    args = parser.parse_args()

    copy_google_protos()
    if args.check:
        stale = check_stubs()
        if stale:
            print("stale generated stubs, run `make protos`:", *stale, sep="\n  ")
            return 1
        print("generated stubs are up to date")
        return 0
    generate_stubs(STUBS)
    generate_descriptor()
    print(
        f"wrote stubs to {STUBS.relative_to(ROOT)}/ and {DESCRIPTOR.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
