"""Checks that stay honest (issue 24), each shown on a real run of the scenario against the
embedded servers, with one thing broken by `tests/suite/crash_plugin.py`:

- a late duplicate — the SDK's exporter sending the same operations again, as new spans, 0.8 s
  after each export returned (after the When's flush) — turns every feature that has an
  exactly-once or nothing-else Then red;
- a read outage (every read answers 503) on a Then that proves absence fails it with "could not
  read what the backend stored", never a pass and never a known defect;
- every finding's scenario, with another failure injected (a read outage, an empty reply, a
  crashed step, an evaluator that never ran), is a regression, not the finding reproduced."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.report.allure_run import run_pytest

ROOT = Path(__file__).resolve().parents[2]
# reads that never answer are retried up to the read's deadline (15-20 s); a fifth of it still
# leaves a healthy read several times what it takes. Absence windows keep their floor.
SHORT = {"ACCEPTANCE_TIMEOUT_MULTIPLIER": "0.2"}
COULD_NOT_READ = "could not read what the backend stored"


def run(feature: str, scenario: str | None, **env: str) -> subprocess.CompletedProcess[str]:
    args = [str(ROOT / "features" / f"{feature}.feature")]
    if scenario:
        args += ["-k", scenario]
    args += ["-p", "tests.suite.crash_plugin", "-q", "-rfxX", "--no-header"]
    return run_pytest(args, cwd=Path(tempfile.mkdtemp(prefix="honest-")), extra_env=env)


@pytest.mark.parametrize(
    ("feature", "scenario"),
    [
        ("high_throughput_batching", "100-10-"),
        ("backend_faults", "protobuf"),
        ("distributed_tracing", "lands_in_one_session"),
        ("sdk_findings", "batch_10"),
        ("your_application", "batching_turned_off"),
        ("decorators_and_enrichment", "recorded_as_one_event"),
    ],
)
def test_a_late_duplicate_turns_every_exactly_once_feature_red(feature: str, scenario: str) -> None:
    result = run(feature, scenario, ACCEPTANCE_BREAK="late-resend")
    out = result.stdout
    assert result.returncode == 1, f"a late duplicate left {feature} green:\n{out[-3000:]}"
    seen = ("more event(s) than the application traced", "stored twice: ['")
    assert any(says in out for says in seen), out[-3000:]
    assert "xfailed" not in out.splitlines()[-1], out[-3000:]


@pytest.mark.parametrize(
    ("feature", "scenario", "then"),
    [
        ("high_throughput_batching", "100-10-", "exactly once"),
        ("backend_faults", "protobuf", "arrives exactly once"),
        ("backend_faults", "503", "arrives exactly once"),  # the json-exporter finding's Then
        ("distributed_tracing", "lands_in_one_session", "stored exactly once"),
        ("decorators_and_enrichment", "recorded_as_one_event", "with no extra events"),
        ("multi_tenant_isolation", None, "can read the other's session"),
        ("resource_cleanup", None, "is left in the backend"),
        ("experiments_and_datasets", "leaves_nothing", "nothing of the experiment is left"),
    ],
)
def test_a_read_outage_fails_the_then_that_proves_absence(
    feature: str, scenario: str | None, then: str
) -> None:
    result = run(feature, scenario, ACCEPTANCE_READ_OUTAGE=then, **SHORT)
    out = result.stdout
    assert result.returncode == 1, f"a read outage left {feature} green:\n{out[-3000:]}"
    assert COULD_NOT_READ in out, out[-3000:]
    assert "reproduced" not in out, out[-3000:]


@pytest.mark.parametrize(
    ("finding", "feature", "scenario", "env"),
    [
        ("batch-size-ignored", "sdk_findings", "batch_10", {"ACCEPTANCE_READ_OUTAGE": "once"}),
        (
            "with-session-leaks",
            "sdk_findings",
            "scoped_session",
            {"ACCEPTANCE_READ_OUTAGE": "tracer's own session"},
        ),
        (
            "hh-session-name-ignored",
            "sdk_findings",
            "HH_SESSION_NAME",
            {"ACCEPTANCE_READ_OUTAGE": "HH_SESSION_NAME"},
        ),
        (
            "mistyped-url-goes-to-production",
            "sdk_findings",
            "mistyped",
            {"ACCEPTANCE_CRASH_STEP": "^the client sends to the URL"},
        ),
        (
            "json-exporter-drops-on-transient-errors",
            "backend_faults",
            "429",
            {"ACCEPTANCE_READ_OUTAGE": "arrives exactly once"},
        ),
        (
            "session-name-lost-when-backend-down",
            "backend_faults",
            "down_keeps_its_name",
            {"ACCEPTANCE_READ_OUTAGE": "exactly once"},
        ),
        (
            "trace-error-adds-phantom-event",
            "decorators_and_enrichment",
            "recorded_as_one_event",
            {"ACCEPTANCE_BREAK": "late-resend"},
        ),
        (
            "embedding-call-typed-as-tool",
            "retrieval_augmented_generation",
            "embedding_is_recorded",
            {"ACCEPTANCE_READ_OUTAGE": "embedding of the question is recorded"},
        ),
        (
            "evaluator-failure-unrecorded",
            "experiments_and_datasets",
            "failure_is_recorded",
            {"ACCEPTANCE_BREAK": "drop-evaluator"},
        ),
        (
            "run-metrics-not-raw",
            "experiments_and_datasets",
            "raw_metrics",
            {"ACCEPTANCE_CRASH_STEP": "^the application is evaluated over the dataset$"},
        ),
        (
            "evaluate-leaves-tracers-running",
            "experiments_and_datasets",
            "stops_the_tracers",
            {"ACCEPTANCE_CRASH_STEP": "^the application is evaluated over the dataset$"},
        ),
        (
            "context-block-loses-session",
            "distributed_tracing",
            "block_of_code",
            {"ACCEPTANCE_READ_OUTAGE": "storefront's session"},
        ),
        (
            "get-configuration-ignores-id",
            "prompt_configurations",
            "fetched_by_its_id",
            {"ACCEPTANCE_BREAK": "empty-configurations"},
        ),
    ],
)
def test_a_finding_with_another_failure_injected_is_a_regression(
    finding: str, feature: str, scenario: str, env: dict[str, str]
) -> None:
    """flush-hides-failures and hh-session-name-ignored's crashes are in
    test_known_defect_runs.py; refused-call-error-lacks-reason applies before 1.7.0 only."""
    result = run(feature, scenario, **env, **SHORT)
    out = result.stdout
    assert result.returncode == 1, f"{finding} with {env} left the run green:\n{out[-3000:]}"
    assert "REGRESSION in a known-defect scenario" in out, out[-3000:]
    assert f"known defect {finding} reproduced" not in out, out[-3000:]


def test_a_bug_the_sdks_writer_and_reader_share_fails_the_scenario() -> None:
    """The SDK exports every span renamed and its events.export renames them back: a suite that
    read through the SDK's client saw the names it traced, and passed (a sign-off: GO). The
    suite's own reader sees what the backend stored, so the candidate fails where the baseline
    passes — a regression, NO-GO (tools/signoff/verdict.py)."""
    result = run("high_throughput_batching", "100-10-", ACCEPTANCE_BREAK="shared-rename", **SHORT)
    out = result.stdout
    assert result.returncode == 1, f"a shared writer/reader bug left the run green:\n{out[-3000:]}"
    assert "high-throughput-span-0~" in out, out[-3000:]
