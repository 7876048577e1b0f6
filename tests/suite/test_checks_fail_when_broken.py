"""Each check that could once pass on nothing now fails when its behaviour is broken: a real run
of the scenario with one behaviour broken by `tests/suite/crash_plugin.py` (an SDK that re-sends
its batches, an evaluator evaluate() skips, a prompt that is not what the app recorded, a backend
that cannot delete sessions)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.report.allure_run import run_pytest

ROOT = Path(__file__).resolve().parents[2]
# a score that never comes is waited for up to the experiment read's deadline (30 s); a fifth
# of it (6 s) still leaves a healthy read several times what it takes, and the test 24 s shorter
SHORTER_WAITS = {"drop-evaluator": "0.2"}


def run(feature: str, scenario: str, broken: str) -> subprocess.CompletedProcess[str]:
    """The scenario on the embedded default with one behaviour broken, in a run folder of its
    own."""
    path = str(ROOT / "features" / f"{feature}.feature")
    args = [path, "-k", scenario, "-p", "tests.suite.crash_plugin", "-q", "--no-header"]
    env = {"ACCEPTANCE_BREAK": broken}
    if broken in SHORTER_WAITS:
        env["ACCEPTANCE_TIMEOUT_MULTIPLIER"] = SHORTER_WAITS[broken]
    return run_pytest(args, cwd=Path(tempfile.mkdtemp(prefix="broken-")), extra_env=env)


@pytest.mark.parametrize(
    ("broken", "feature", "scenario", "says"),
    [
        (
            "resend-exports",
            "high_throughput_batching",
            "100 and 50",
            "received more than once",
        ),
        (
            "drop-evaluator",
            "experiments_and_datasets",
            "linked and answered",
            "every evaluator should have given",
        ),
        (
            "alter-prompt",
            "end_to_end_data_flow",
            "three",
            "recorded sending",
        ),
        (
            "stale-configuration",
            "prompt_configurations",
            "holds",
            "'support-answer' holds {'config.model'",
        ),
        (
            "no-session-delete",
            "resource_cleanup",
            "removed",
            "the backend could not remove these sessions",
        ),
    ],
)
def test_the_check_fails_when_its_behaviour_is_broken(
    broken: str, feature: str, scenario: str, says: str
) -> None:
    result = run(feature, scenario, broken)
    assert result.returncode == 1, f"{broken} left {feature} green:\n{result.stdout[-3000:]}"
    assert says in result.stdout, result.stdout[-3000:]
