"""The benchmarks' machinery, kept from rotting: the figure/target arithmetic, and the benches
run end to end in quick mode (small runs against the real servers, as `make bench` runs them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import BENCHES
from bench._report import Figure, Target, percentile, table

ROOT = Path(__file__).resolve().parent.parent


def test_targets_judge_the_value_or_its_ratio_to_the_baseline() -> None:
    fast = Figure(
        "b", "rate", 30.0, "x/s", 50.0, "base", (Target("min", 20), Target("min", 0.5, "ratio"))
    )
    slow = Figure(
        "b", "rate", 30.0, "x/s", 100.0, "base", (Target("min", 20), Target("min", 0.5, "ratio"))
    )
    assert fast.ratio == pytest.approx(0.6) and fast.met is True
    assert slow.met is False
    assert Figure("b", "latency", 5.0, "ms", targets=(Target("max", 5.0),)).met is True
    assert Figure("b", "info", 1.0, "s").met is None


def test_a_ratio_target_without_a_baseline_is_not_judged() -> None:
    figure = Figure("b", "rate", 30.0, "x/s", None, "", (Target("min", 0.5, "ratio"),))
    assert figure.ratio is None and figure.met is None


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0


def test_the_table_shows_value_baseline_ratio_target_and_verdict() -> None:
    figure = Figure(
        "ingest",
        "JSON",
        10_000.0,
        "spans/s",
        20_000.0,
        "bare decode",
        (Target("min", 20_000),),
        note="held back by X",
    )
    text = table([figure])
    header = text.splitlines()[0].split()
    assert header == ["figure", "value", "baseline", "ratio", "target", "met?"]
    row = text.splitlines()[2]
    for part in (
        "ingest: JSON",
        "10,000 spans/s",
        "20,000 spans/s (bare decode)",
        "0.50",
        "≥ 20,000 spans/s",
        "NO",
    ):
        assert part in row
    assert "held back by X" in text


# llm_front is left out: its quick run still makes the model write (slow on a busy machine);
# it shares the table and JSON machinery checked here
CHECKED = [b for b in BENCHES if b != "llm_front"]


def test_every_bench_runs_in_quick_mode_and_writes_its_figures(tmp_path: Path) -> None:
    only = ",".join(CHECKED)
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", only, "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "figure" in done.stdout and "met?" in done.stdout
    for bench in CHECKED:
        doc = json.loads((tmp_path / f"{bench}.json").read_text())
        assert doc["quick"] is True and doc["figures"], bench
        for figure in doc["figures"]:
            assert figure["value"] == figure["value"], f"{bench}: {figure['name']} is NaN"
            assert f"{bench}: {figure['name']}" in done.stdout
    suite = json.loads((tmp_path / "suite.json").read_text())["figures"]
    names = [f["name"] for f in suite]
    for how in ("cold", "warm servers"):
        assert any(n.startswith(f"one scenario, {how} ") for n in names), f"no {how} figure"
