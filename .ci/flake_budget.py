"""Flake budget: run the acceptance features N times, serially and with `-n 2`, and list every
scenario that ever failed. Target: zero failures in 20 runs of each.

    .venv/bin/python .ci/flake_budget.py --runs 20 [--modes serial,parallel] [--out FILE]

Each run is a full `pytest features/` (its own emulator and model server); results are read from
JUnit XML. Strict expected failures (@known_defect) count as passing while they fail as
expected; an unexpected pass (XPASS strict) counts as a failure. Exit code 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

MODES = {"serial": [], "parallel": ["-n", "2"]}


def run_once(mode: str, junit: Path) -> tuple[int, list[str], float]:
    started = time.monotonic()
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "features/",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:schemathesis",
        "-p",
        "no:hypothesispytest",
        f"--junitxml={junit}",
        *MODES[mode],
    ]
    # every run starts cold, as CI does (support/target/warm.py)
    env = {**os.environ, "ACCEPTANCE_WARM": "0"}
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    took = time.monotonic() - started
    if not junit.exists():
        return 0, [f"<run did not complete: exit {done.returncode}> {done.stdout[-500:]}"], took
    root = ET.parse(junit).getroot()
    cases = root.iter("testcase")
    total, failed = 0, []
    for case in cases:
        total += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(case.get("name", "?"))
    return total, failed, took


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--modes", default="serial,parallel")
    parser.add_argument("--out", type=Path, default=Path("reports/flake-budget.md"))
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    failures: dict[str, Counter[str]] = {m: Counter() for m in modes}
    times: dict[str, list[float]] = {m: [] for m in modes}
    failed_runs: Counter[str] = Counter()
    scenarios = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            for mode in modes:
                total, failed, took = run_once(mode, Path(tmp) / f"{mode}-{i}.xml")
                scenarios = max(scenarios, total)
                failures[mode].update(failed)
                failed_runs[mode] += bool(failed)
                times[mode].append(took)
                print(
                    f"run {i + 1}/{args.runs} {mode}: {total} scenarios, "
                    f"{len(failed)} failed {failed or ''} in {took:.0f}s",
                    flush=True,
                )
    lines = [
        f"# Flake budget: {args.runs} runs per mode, {scenarios} scenarios per run",
        "",
        "| mode | runs | failed runs | scenarios that ever failed | mean run time |",
        "|---|---|---|---|---|",
    ]
    for mode in modes:
        ever = ", ".join(f"{name} ({n}x)" for name, n in failures[mode].most_common()) or "none"
        mean = sum(times[mode]) / len(times[mode]) if times[mode] else 0
        lines.append(f"| {mode} | {args.runs} | {failed_runs[mode]} | {ever} | {mean:.0f}s |")
    report = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 1 if any(failures[m] for m in modes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
