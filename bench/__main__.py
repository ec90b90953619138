"""Command line: ``python -m bench [--calls N] [--out PATH] [--quick]``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bench import report
from bench.process import ServerProcessError
from bench.rest import RestError
from bench.run import Options, run

_LOGGER = logging.getLogger(__name__)

DEFAULT_CALLS = 300
QUICK_CALLS = 20
DEFAULT_OUT = Path("bench-results/metadata.json")


def parse_options(argv: list[str] | None) -> tuple[Options, Path]:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure start time, latency and memory of the metadata service.",
    )
    parser.add_argument(
        "--calls",
        type=int,
        help=f"timed calls per request (default {DEFAULT_CALLS}, "
        f"{QUICK_CALLS} with --quick)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"where to write the JSON results (default {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--quick", action="store_true", help="few calls: a smoke run for CI"
    )
    args = parser.parse_args(argv)

    calls = args.calls
    if calls is None:
        calls = QUICK_CALLS if args.quick else DEFAULT_CALLS
    if calls < 1:
        parser.error("--calls must be at least 1")
    # Enough warm-up to settle the connection and the server's code paths,
    # without dominating a short run.
    warmup = max(5, min(50, calls // 5))
    return Options(calls=calls, warmup=warmup), args.out


def main(argv: list[str] | None = None) -> None:
    options, out = parse_options(argv)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    try:
        results = run(options)
    except (ServerProcessError, TimeoutError, RestError) as error:
        _LOGGER.error("benchmark failed: %s", error)
        sys.exit(1)
    sys.stdout.write(report.render(results))
    report.write_json(results, out)


if __name__ == "__main__":
    main()
