"""The CI pipeline in miniature: shards write Allure results, `.ci/merge_allure_results.py`
merges them, Allure renders one report with a trend that grows by one line per run.

A throwaway pytest-bdd project (six scenarios, no services) is run as three shards with the
shard plugin and the real allure-pytest-bdd, like the CI matrix runs the features.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from .allure_run import ROOT, generate, load_ci_helper, run_pytest

SHARDS = 3
_ENV = {"PYTHONPATH": os.pathsep.join([str(ROOT / ".ci"), str(ROOT)])}
_FEATURE = "Feature: Merged\n" + "".join(
    f"  Scenario: Scenario {n}\n    Given step {n}\n\n" for n in range(6)
)
_STEPS = (
    "from pytest_bdd import given, parsers, scenarios\n\n"
    'scenarios("merged.feature")\n\n\n'
    '@given(parsers.parse("step {n:d}"))\n'
    "def step(n: int) -> None:\n"
    "    assert n != 5, 'scenario 5 fails on purpose'\n"
)


_merger = load_ci_helper("merge_allure_results")
merge: Callable[[Path, Sequence[Path]], dict[str, int]] = _merger.merge
main: Callable[[Sequence[str]], int] = _merger.main
MergeError: type[Exception] = _merger.MergeError


@pytest.fixture(scope="module")
def shard_results(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("sharded")
    project = base / "project"
    project.mkdir()
    (project / "merged.feature").write_text(_FEATURE)
    (project / "test_merged.py").write_text(_STEPS)
    ini = project / "pytest.ini"
    ini.write_text("[pytest]\naddopts = -p no:cacheprovider\nbdd_features_base_dir = .\n")
    shards = []
    for k in range(1, SHARDS + 1):
        results = base / f"allure-results-{k}"
        run = run_pytest(
            [str(project), "-p", "shard", "--shard", f"{k}/{SHARDS}", f"--alluredir={results}"],
            cwd=base,
            extra_env={**_ENV, "SHARD": str(k)},
            config=ini,
        )
        assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
        (results / "environment.properties").write_text(f"target=local\nshard={k}\n")
        (results / "executor.json").write_text(json.dumps({"name": "CI", "type": "github"}))
        shards.append(results)
    return shards


def test_merged_results_hold_every_scenario_once(shard_results: list[Path], tmp_path: Path) -> None:
    merged = tmp_path / "merged"
    counts = merge(merged, shard_results)
    assert list(counts.values()) == [2, 2, 2]
    names = sorted(json.loads(p.read_text())["name"] for p in merged.glob("*-result.json"))
    assert names == [f"Scenario {n}" for n in range(6)]
    environment = (merged / "environment.properties").read_text().splitlines()
    assert environment == ["shard=1 | 2 | 3", "target=local"]
    assert json.loads((merged / "executor.json").read_text())["name"] == "CI"


def test_a_scenario_in_two_shards_stops_the_merge(
    shard_results: list[Path], tmp_path: Path
) -> None:
    twice = tmp_path / "shard-1-again"
    shutil.copytree(shard_results[0], twice)
    with pytest.raises(MergeError, match="the shards overlap"):
        merge(tmp_path / "merged", [*shard_results, twice])
    assert main([str(tmp_path / "other"), str(shard_results[0]), str(twice)]) == 1


def test_a_missing_shard_stops_the_merge(shard_results: list[Path], tmp_path: Path) -> None:
    with pytest.raises(MergeError, match="no results folder"):
        merge(tmp_path / "merged", [*shard_results, tmp_path / "never-uploaded"])


def test_the_merged_report_keeps_a_trend_across_runs(
    shard_results: list[Path], tmp_path: Path
) -> None:
    merged = tmp_path / "merged"
    assert main([str(merged), *map(str, shard_results)]) == 0
    history = tmp_path / "history" / "history.jsonl"  # what CI restores and saves between runs
    for run in (1, 2):
        out = tmp_path / f"report-{run}"
        built = generate([merged], out, history=history)
        assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
        summary = json.loads((out / "summary.json").read_text())
        assert summary["stats"]["total"] == 6
        assert summary["stats"]["failed"] == 1
        assert len(history.read_text().splitlines()) == run
