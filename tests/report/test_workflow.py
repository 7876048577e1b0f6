"""The CI workflow (.github/workflows/acceptance.yml) agrees with the project it runs.

Actions cannot run here; these checks keep the parts that must agree from drifting apart: the
shard count and the matrix, the helper scripts it calls, the history folder and allurerc.mjs,
and which jobs may see the real target's secrets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from .allure_run import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "acceptance.yml"
SECRETS = ("HH_API_KEY", "HH_API_URL", "HH_API_KEY_2", "OPENAI_API_KEY")


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    loaded["on"] = loaded.pop(True, loaded.get("on"))  # YAML 1.1 reads the key `on` as True
    return loaded


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_the_matrix_has_one_entry_per_shard(workflow: dict[str, Any]) -> None:
    shards = int(workflow["env"]["SHARDS"])
    assert shards >= 2
    assert workflow["jobs"]["features"]["strategy"]["matrix"]["shard"] == list(range(1, shards + 1))
    assert workflow["jobs"]["features"]["strategy"]["fail-fast"] is False


def test_each_shard_runs_its_part_of_the_features(workflow: dict[str, Any]) -> None:
    runs = _runs(workflow["jobs"]["features"])
    assert "PYTHONPATH=.ci" in runs
    assert re.search(r"pytest features/ -p shard --shard \"\$SHARD/\$SHARDS\"", runs)
    assert "--alluredir=reports/allure-results" in runs


def test_every_helper_script_it_calls_exists(workflow: dict[str, Any]) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    scripts = set(re.findall(r"\.ci/[\w.]+\.py", text))
    assert scripts >= {".ci/merge_allure_results.py", ".ci/unpack_allure_report.py"}
    for script in scripts:
        assert (ROOT / script).is_file(), script
    assert "-p shard" in text and (ROOT / ".ci" / "shard.py").is_file()


def test_the_report_keeps_the_history_where_allurerc_writes_it(workflow: dict[str, Any]) -> None:
    history = re.search(r'historyPath:\s*"\./([^"]+)"', (ROOT / "allurerc.mjs").read_text())
    assert history, "allurerc.mjs has no historyPath"
    folder = str(Path(history[1]).parent)
    steps = workflow["jobs"]["report"]["steps"]
    cached = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache/")]
    assert [s["uses"].split("@")[0] for s in cached] == [
        "actions/cache/restore",
        "actions/cache/save",
    ]
    assert all(s["with"]["path"] == folder for s in cached)
    generate = next(i for i, s in enumerate(steps) if s.get("run") == "make report")
    assert steps.index(cached[0]) < generate < steps.index(cached[1])


def test_only_the_real_target_sees_the_secrets(workflow: dict[str, Any]) -> None:
    for name, job in workflow["jobs"].items():
        env = job.get("env", {})
        for secret in SECRETS:
            if secret in env:
                expected = f"${{{{ matrix.target == 'real' && secrets.{secret} || '' }}}}"
                assert env[secret] == expected, f"{name}: {secret}"
    plan = _runs(workflow["jobs"]["plan"])
    assert '"embedded"' in plan


def test_it_runs_on_changes_and_nightly(workflow: dict[str, Any]) -> None:
    assert {"push", "pull_request", "schedule", "workflow_dispatch"} <= set(workflow["on"])
