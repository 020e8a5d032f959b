"""`python -m bench [--quick] [--only persistence,rest]`: run the benchmarks, print one table."""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from pathlib import Path

from . import persistence, replay, rest, rooms, runner, team
from .common import Result, print_table, save

SUITES = {
    "persistence": persistence.run,
    "replay": replay.run,
    "rest": rest.run,
    "rooms": rooms.run,
    "runner": runner.run,
    "team": team.run,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument("--only", default=",".join(SUITES), help="comma-separated suites")
    args = parser.parse_args()
    results: list[Result] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="devinterview-bench-") as tmp:
        for name in args.only.split(","):
            print(f"running {name} ...", flush=True)
            try:
                results += SUITES[name](Path(tmp), quick=args.quick)
            except Exception:
                # One suite's missing tool must not throw away the others' minutes of work.
                traceback.print_exc()
                failed.append(name)
    print()
    print_table(results)
    if results:
        print(f"\nwritten: {save(results)}")
    if failed:
        sys.exit(f"failed: {', '.join(failed)} (see above); the other suites were saved")


if __name__ == "__main__":
    main()
