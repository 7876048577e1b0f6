"""A known-defect scenario fails only its own way: a crash in a Given, a When, a Then that is
not the finding's, or in an SDK call only that scenario makes turns the run red, naming the
scenario and the crash; the finding's own failure stays a reproduced known defect; a finding
that no longer fails turns the run red, saying which tag to remove. Each case is a real run of
`features/sdk_findings.feature`'s HH_SESSION_NAME scenario against the embedded servers."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.report.allure_run import run_pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = "HH_SESSION_NAME"
FLUSH = "flush and refused and exports"


def run(scenario: str = SCENARIO, **env: str) -> subprocess.CompletedProcess[str]:
    """The scenario on the embedded default, in a run folder of its own."""
    feature = str(ROOT / "features" / "sdk_findings.feature")
    args = [feature, "-k", scenario, "-p", "tests.suite.crash_plugin", "-q", "-rxX", "--no-header"]
    return run_pytest(args, cwd=Path(tempfile.mkdtemp(prefix="known-defect-")), extra_env=env)


def test_the_findings_own_failure_is_a_reproduced_known_defect() -> None:
    result = run()
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 xfailed" in result.stdout
    assert "known defect hh-session-name-ignored reproduced: session stored as" in result.stdout


@pytest.mark.parametrize(
    ("where", "env"),
    [
        ("the Given", {"ACCEPTANCE_CRASH_STEP": "^a project that records traces$"}),
        ("the When", {"ACCEPTANCE_CRASH_STEP": "^a tracer is started with its session name"}),
        (
            "an SDK call",
            {"ACCEPTANCE_CRASH_SDK": "honeyhive.tracer.core.base:HoneyHiveTracerBase.__init__"},
        ),
    ],
)
def test_a_crash_elsewhere_turns_the_run_red(where: str, env: dict[str, str]) -> None:
    result = run(**env)
    assert result.returncode == 1, f"a crash in {where} left the run green:\n{result.stdout}"
    assert "REGRESSION in a known-defect scenario" in result.stdout, result.stdout[-3000:]
    assert "injected" in result.stdout and "1 failed" in result.stdout


@pytest.mark.parametrize(
    ("what", "env", "says"),
    [
        ("a crash", {"ACCEPTANCE_CRASH_STEP": "^the backend refused the export$"}, "raised"),
        (
            "a failed assertion",
            {"ACCEPTANCE_FAIL_STEP": "^the backend refused the export$"},
            "not in the Then that shows the finding",
        ),
    ],
)
def test_a_failure_in_another_then_turns_the_run_red(
    what: str, env: dict[str, str], says: str
) -> None:
    """The flush finding's scenario has a Then before the finding's own: failing there is not
    the finding."""
    result = run(FLUSH, **env)
    assert result.returncode == 1, f"{what} in another Then left the run green:\n{result.stdout}"
    assert "REGRESSION in a known-defect scenario" in result.stdout
    assert says in result.stdout, result.stdout[-3000:]


def test_a_fixed_finding_turns_the_run_red_and_names_the_tag() -> None:
    result = run(ACCEPTANCE_PASS_CHECK="support.checks.sessions:named")
    assert result.returncode == 1, result.stdout[-3000:]
    fixed = "[XPASS(strict)] the finding hh-session-name-ignored no longer reproduces"
    assert fixed in result.stdout, result.stdout[-3000:]
    assert "@issue:hh-session-name-ignored" in result.stdout
