"""The sign-off and release jobs of the CI workflow agree with the Makefile and the tools."""

from __future__ import annotations

from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from .allure_run import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "acceptance.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    loaded["on"] = loaded.pop(True, loaded.get("on"))
    return loaded


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_a_manual_run_with_a_candidate_signs_it_off(workflow: dict[str, Any]) -> None:
    inputs = workflow["on"]["workflow_dispatch"]["inputs"]
    assert inputs["candidate"]["type"] == "string" and inputs["candidate"]["default"] == ""
    job = workflow["jobs"]["signoff"]
    assert "inputs.candidate != ''" in job["if"]
    runs = _runs(job)
    assert "make signoff" in runs
    assert 'cat reports/signoff/verdict.md >> "$GITHUB_STEP_SUMMARY"' in runs
    # the spec reaches make through the environment, never pasted into a script
    assert job["env"]["CANDIDATE"] == "${{ inputs.candidate }}"
    assert "inputs.candidate" not in runs
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "export SDK CANDIDATE BASELINE" in makefile and '"$${CANDIDATE}"' in makefile


def test_the_nightly_runs_the_last_three_releases_into_one_report(
    workflow: dict[str, Any],
) -> None:
    jobs = workflow["jobs"]
    assert "github.event_name == 'schedule'" in jobs["releases"]["if"]
    assert "tools.signoff releases --last 3 --json" in _runs(jobs["releases"])
    matrix = jobs["release-features"]["strategy"]["matrix"]
    assert matrix["sdk"] == "${{ fromJSON(needs.releases.outputs.sdks) }}"
    assert "tools.sdk build" in _runs(jobs["release-features"])
    uploaded = next(
        s["with"]["name"]
        for s in jobs["release-features"]["steps"]
        if "upload" in s.get("uses", "")
    )
    downloaded = next(
        s["with"]["pattern"]
        for s in jobs["releases-report"]["steps"]
        if "download" in s.get("uses", "")
    )
    assert uploaded.startswith(downloaded.rstrip("*"))
    assert "python -m tools.signoff report releases/allure-results-sdk-*" in _runs(
        jobs["releases-report"]
    )


def test_every_history_file_is_kept(workflow: dict[str, Any]) -> None:
    """allurerc.mjs writes one trend per target (<target>.jsonl): the jobs keep them all."""
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "reports/history/history.jsonl" not in text
    assert "reports/history/*.jsonl" in text
