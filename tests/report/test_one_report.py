"""The report of one run (`make report`: tools.signoff.acceptance), rendered by real Allure 3 from
synthetic results: the same numbers as the release view of the same results
(`tools.signoff report`), a reproduced known defect a known issue (failed, never skipped, never
passed), and bad input — a read outage, an empty project, an unreachable backend, a broken
configuration (the last two real runs of the suite that stop before their first scenario) — a
plain sentence on the front page that cannot look like a pass or a known issue."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tools.signoff.acceptance import NO_RESULTS, acceptance_report
from tools.signoff.run import releases_report

from ..tools.results import reproduced, result, write, xpass
from .allure_run import ROOT, report_payloads, run_pytest

FINDING = "hh-session-name-ignored"
MESSAGE = "AssertionError: session stored as 'tracing'"
READ_OUTAGE = "could not read what the backend stored: HTTP 503 Service Unavailable"


def _report(tmp_path: Path, *results: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    folder = write(tmp_path / "results", *results, environment="honeyhive.target=local\n")
    out = tmp_path / "allure-report"
    assert acceptance_report(folder, out, history=tmp_path / "history.jsonl") == 0
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    summary["stats"].pop("new", None)  # first runs: every result is new
    return out, summary


def _front_page(out: Path) -> str:
    payloads = report_payloads((out / "index.html").read_text(encoding="utf-8"))
    return "\n".join(payloads.values())


def test_the_run_and_the_release_view_show_the_same_numbers(tmp_path: Path) -> None:
    results = [
        result("ok one", "passed"),
        result("ok two", "passed"),
        result("ok three", "passed"),
        reproduced("session name", FINDING, MESSAGE, finding_status="reproduced"),
    ]
    out, summary = _report(tmp_path / "run", *results)
    assert summary["stats"] == {"total": 4, "passed": 3, "failed": 1, "resolutions": {"issues": 1}}
    assert "3 passed · 1 known issue · 0 other failures · 0 skipped (75 %)" in summary["name"]
    # the release view of the same results (make signoff's, the nightly's)
    folder = write(tmp_path / "release-results", *results)
    releases_report([folder], tmp_path / "release", history=tmp_path / "release-history.jsonl")
    release = json.loads((tmp_path / "release" / "report" / "awesome" / "summary.json").read_text())
    assert {k: v for k, v in release["stats"].items() if k != "new"} == summary["stats"]
    issues = json.loads((out / "known-issues.json").read_text())["resolutionIssues"]
    assert [i["id"] for i in issues] == [FINDING]
    gate = json.loads((out / "quality-gate.json").read_text())
    assert [r["success"] for r in gate] == [True, True]
    assert "release rules hold" in summary["name"]


def test_a_known_defect_is_never_skipped_nor_passed(tmp_path: Path) -> None:
    out, summary = _report(
        tmp_path, reproduced("session name", FINDING, MESSAGE, finding_status="reproduced")
    )
    merged = [json.loads(p.read_text()) for p in (out / "results").glob("*-result.json")]
    assert [r["status"] for r in merged] == ["failed"]
    assert merged[0]["statusDetails"]["message"] == MESSAGE
    assert "skipped" not in summary["stats"] and "passed" not in summary["stats"]


def test_a_known_defect_that_no_longer_reproduces_stays_a_failure_of_the_run(
    tmp_path: Path,
) -> None:
    out, summary = _report(
        tmp_path, result("ok", "passed"), xpass("session name", FINDING, finding_status="fixed")
    )
    assert summary["stats"].get("passed") == 1 and "release rules do not hold" in summary["name"]
    assert "passed although its finding hh-session-name-ignored applies" in _front_page(out)


def test_a_read_outage_is_a_failure_in_one_sentence_not_a_known_issue(tmp_path: Path) -> None:
    outage = f"REGRESSION in a known-defect scenario: it must fail only as... but {READ_OUTAGE}"
    out, summary = _report(
        tmp_path,
        result("ok", "passed"),
        result("session name", "failed", outage, finding=FINDING, finding_status="other-failure"),
        result("nothing else arrives", "failed", f"Then nothing else is stored\n  {READ_OUTAGE}"),
    )
    assert summary["stats"] == {"total": 3, "passed": 1, "failed": 2}
    assert json.loads((out / "known-issues.json").read_text())["resolutionIssues"] == []
    assert "release rules do not hold" in summary["name"]
    front = _front_page(out)
    assert "Regression in a known-defect scenario: 'session name' failed otherwise" in front
    assert READ_OUTAGE in front


def test_an_empty_project_read_back_fails_the_run(tmp_path: Path) -> None:
    empty = "Then the session is stored with 3 steps\n  the backend holds no session in the project"
    _, summary = _report(tmp_path, result("three steps", "failed", empty))
    assert summary["stats"] == {"total": 1, "failed": 1}
    assert "release rules do not hold" in summary["name"]


def test_a_run_that_stopped_before_its_first_scenario_says_so(tmp_path: Path) -> None:
    # a broken configuration or an unreachable backend stops the run before any result
    out, summary = _report(tmp_path)
    assert summary["stats"] == {"total": 0}
    assert "release rules do not hold" in summary["name"]
    assert NO_RESULTS in _front_page(out)
    assert (out / "summary.md").read_text().count(NO_RESULTS) == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"LLM_BACKEND": "sometimes"}, "LLM_BACKEND='sometimes'"),
        (
            {"HH_API_URL": f"http://127.0.0.1:{_free_port()}", "HH_API_KEY": "hh_nobody_0000"},
            "HH_API_URL",
        ),
    ],
    ids=["broken-configuration", "unreachable-backend"],
)
def test_a_run_stopped_by_its_configuration_says_why_on_the_front_page(
    tmp_path: Path, settings: dict[str, str], said: str
) -> None:
    results = tmp_path / "allure-results"
    ran = run_pytest(
        [str(ROOT / "features" / "your_application.feature"), f"--alluredir={results}", "-q"],
        cwd=tmp_path / "cwd",
        extra_env=settings,
        timeout=120,
    )
    assert ran.returncode == 4, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert not list(results.glob("*-result.json"))
    out = tmp_path / "allure-report"
    assert acceptance_report(results, out, history=tmp_path / "history.jsonl") == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert "release rules do not hold" in summary["name"]
    front = _front_page(out)
    assert "The run stopped before its first scenario, so nothing was shown to work:" in front
    assert said in front and "hh_nobody_0000" not in front
    reasons = [line for line in (out / "summary.md").read_text().splitlines() if line[:2] == "- "]
    assert len(reasons) == 1 and said in reasons[0]
