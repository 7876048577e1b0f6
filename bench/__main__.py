"""``python -m bench``: run every benchmark, print one table of every figure beside its
baseline (measured in the same run) and its target, and write reports/bench/<bench>.json.

    python -m bench [--quick] [--only ingest,query] [--out reports/bench]

`--quick` (or BENCH_QUICK=1) runs each bench small, to check the machinery, not to measure.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from ._report import OUT_DIR, Figure, machine, quick_from_env, table, write_json

# the emulator's own benches first; the whole suite last (the longest)
BENCHES = ("ingest", "query", "visibility", "sdk_cost", "llm_front", "suite")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small runs: checks the machinery")
    parser.add_argument("--only", help=f"comma-separated subset of {', '.join(BENCHES)}")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where the JSON files go")
    args = parser.parse_args(argv)
    quick = args.quick or quick_from_env()
    chosen = [b.strip() for b in args.only.split(",")] if args.only else list(BENCHES)
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        parser.error(f"unknown bench(es) {sorted(unknown)}; choose from {', '.join(BENCHES)}")

    figures: list[Figure] = []
    failed: list[str] = []
    for name in chosen:
        print(f"== bench.{name}{' (quick)' if quick else ''}", flush=True)
        started = time.perf_counter()
        try:
            run: Callable[[bool], list[Figure]] = importlib.import_module(f"bench.{name}").figures
            found = run(quick)
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        path = write_json(name, found, quick=quick, out_dir=args.out)
        print(f"   {len(found)} figures in {time.perf_counter() - started:.1f}s -> {path}")
        figures.extend(found)

    box = machine()
    print(
        f"\n{box['cpus']} CPUs ({box['cpu_model']}), Python {box['python']}, "
        f"load average {box['loadavg'][0]:.2f}{' — QUICK: not measurements' if quick else ''}\n"
    )
    print(table(figures))
    if failed:
        print(f"\nbenches that failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
