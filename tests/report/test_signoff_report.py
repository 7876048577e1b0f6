"""The sign-off report, rendered by real Allure 3 (Node 22, the project's node_modules) from
synthetic results: one environment per SDK, the reproduced finding resolved as a known issue
(not skipped), Allure's quality gate evaluated per environment — the known issue not failing it,
a real failure failing it —, and the verdict in the report's name, variables and global errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.signoff.postprocess import Source, merge, resolution_rules
from tools.signoff.report import Job, publish, run

from ..tools.results import reproduced, result, write
from .allure_run import report_payloads

FINDING = "hh-session-name-ignored"
MESSAGE = "AssertionError: session stored as 'tracing'"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Job, dict, Path]:  # type: ignore[type-arg]
    base = tmp_path_factory.mktemp("signoff")
    cand = write(
        base / "c",
        result("ok", "passed", sdk="1.7.0"),
        reproduced("session name", FINDING, MESSAGE, sdk="1.7.0"),
        result("critical one", "failed", "AssertionError: lost", severity="critical", sdk="1.7.0"),
    )
    basel = write(
        base / "b",
        result("ok", "passed", sdk="1.6.1"),
        reproduced("session name", FINDING, MESSAGE, sdk="1.6.1"),
        result("critical one", "passed", severity="critical", sdk="1.6.1"),
    )
    sources = [
        Source("honeyhive-1_6_1", "baseline · honeyhive 1.6.1", "baseline", basel),
        Source("honeyhive-1_7_0", "candidate · honeyhive 1.7.0", "candidate", cand),
    ]
    merged = base / "merged"
    known = merge(sources, merged)
    job = Job(
        sources=sources,
        merged=merged,
        out=base / "out" / "report",
        history=base / "history.jsonl",
        name="SDK sign-off: NO-GO — candidate honeyhive 1.7.0 vs baseline 1.6.1",
        rules=resolution_rules(known),
        variables={"Verdict": "NO-GO"},
        global_errors=["NO-GO: 1 regression(s)"],
        gate_environments=[s.env_id for s in sources],
    )
    gate = run(job, gate_only=False)
    return job, gate, base


def test_the_quality_gate_runs_per_environment_and_ignores_known_issues(built) -> None:  # type: ignore[no-untyped-def]
    _, gate, _ = built
    outcome = {env: {r["rule"]: r["success"] for r in rules} for env, rules in gate.items()}
    assert outcome == {
        "honeyhive-1_6_1": {
            "no-failed-blocker-or-critical/maxFailures": True,
            "success-rate-without-known-issues/successRate": True,
        },
        "honeyhive-1_7_0": {
            "no-failed-blocker-or-critical/maxFailures": False,
            "success-rate-without-known-issues/successRate": False,
        },
    }


def test_the_reproduced_finding_is_a_known_issue_in_both_environments(built) -> None:  # type: ignore[no-untyped-def]
    job, _, _ = built
    issues = json.loads((job.out.parent / "known-issues.json").read_text())["resolutionIssues"]
    assert [i["id"] for i in issues] == [FINDING]
    tested = sorted((t["environment"], t["status"]) for t in issues[0]["testResults"].values())
    assert tested == [
        ("baseline · honeyhive 1.6.1", "failed"),
        ("candidate · honeyhive 1.7.0", "failed"),
    ]
    assert all(t["error"]["message"] == MESSAGE for t in issues[0]["testResults"].values())


def test_one_report_two_environments_and_the_verdict_on_its_front(built) -> None:  # type: ignore[no-untyped-def]
    job, _, base = built
    files = publish(job, base / "out")
    assert set(files) == {"awesome", "dashboard"}
    payloads = report_payloads(files["awesome"].read_text(encoding="utf-8"))
    everything = "\n".join(payloads.values())
    assert "baseline · honeyhive 1.6.1" in everything
    assert "candidate · honeyhive 1.7.0" in everything
    assert '"Verdict":"NO-GO"' in everything.replace(" ", "")
    assert "NO-GO: 1 regression(s)" in everything
    assert job.name in files["awesome"].read_text(encoding="utf-8") or job.name in everything
    history = [json.loads(line) for line in job.history.read_text().splitlines()]
    keys = set(history[-1]["testResults"])
    assert len(keys) == 6  # 3 scenarios x 2 SDKs: neither environment overwrites the other


def test_the_nightly_report_has_an_environment_per_release(tmp_path: Path) -> None:
    from tools.signoff.run import releases_report

    folders = [
        write(
            tmp_path / v, result("ok", "passed", sdk=v), reproduced("doc", FINDING, MESSAGE, sdk=v)
        )
        for v in ("1.5.1", "1.6.1", "1.7.0")
    ]
    code = releases_report(folders, tmp_path / "out", history=tmp_path / "history.jsonl")
    assert code == 0  # a reproduced finding is a known issue: no release fails its gate
    summary = (tmp_path / "out" / "summary.md").read_text()
    for version in ("1.5.1", "1.6.1", "1.7.0"):
        assert f"| honeyhive {version} | 1 passed, 1 reproduced | pass |" in summary
    gate = json.loads((tmp_path / "out" / "quality-gate.json").read_text())
    assert sorted(gate) == ["honeyhive-1_5_1", "honeyhive-1_6_1", "honeyhive-1_7_0"]
