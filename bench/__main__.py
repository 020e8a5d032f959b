"""`python -m bench [--quick] [--only persistence,rest]`: run the benchmarks, print one table."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from . import persistence, rest, rooms, runner
from .common import Result, print_table, save

SUITES = {
    "persistence": persistence.run,
    "rest": rest.run,
    "rooms": rooms.run,
    "runner": runner.run,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument("--only", default=",".join(SUITES), help="comma-separated suites")
    args = parser.parse_args()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="devinterview-bench-") as tmp:
        for name in args.only.split(","):
            print(f"running {name} ...", flush=True)
            results += SUITES[name](Path(tmp), quick=args.quick)
    print()
    print_table(results)
    print(f"\nwritten: {save(results)}")


if __name__ == "__main__":
    main()
