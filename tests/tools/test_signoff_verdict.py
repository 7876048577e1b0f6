"""The verdict on synthetic results: each kind of change between baseline and candidate lands
where the release manager looks for it, with its message; the finding_status labels are used
where present and pytest's own outcome read where they are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.signoff.outcomes import classify, outcomes
from tools.signoff.verdict import GO, NO_GO, decide, markdown

from .results import reproduced, result, write, xpass

UNKNOWN_KEY = "A call made with an API key that belongs to no project is recorded as a failed step"
MESSAGE_161 = "AssertionError: failing-operation error is 'HTTPException: 401'; missing ['invalid']"
SDK_C = {"version": "1.7.0", "source": "release:honeyhive==1.7.0", "hash": "sha256:aa"}
SDK_B = {"version": "1.6.1", "source": "release:honeyhive==1.6.1", "hash": "sha256:bb"}


def _verdict(tmp_path: Path, candidate: list, baseline: list, gate: list | None = None):  # type: ignore[no-untyped-def, type-arg]
    c = outcomes(write(tmp_path / "c", *candidate))
    b = outcomes(write(tmp_path / "b", *baseline))
    return decide(c, b, candidate_sdk=SDK_C, baseline_sdk=SDK_B, quality_gate=gate or [])


@pytest.mark.parametrize(
    ("made", "state"),
    [
        (result("a", "passed"), "passed"),
        (result("a", "failed", "AssertionError: x"), "failed"),
        (result("a", "broken", "ConnectError"), "failed"),
        (result("a", "skipped", "Skipped: needs the emulator"), "skipped"),
        # no finding_status label: pytest's own outcome of a @known_defect scenario
        (reproduced("a", "f1", "AssertionError: doc says 1"), "reproduced"),
        (xpass("a", "f1"), "fixed"),
        (result("a", "failed", "RuntimeError: boom", finding="f1"), "other-failure"),
        # the labels, where the suite writes them, win
        (result("a", "skipped", "XFAIL r\n\nAssertionError: y", finding="f1",
                finding_status="reproduced"), "reproduced"),
        (result("a", "failed", "RuntimeError: crash", finding="f1",
                finding_status="other-failure"), "other-failure"),
        (result("a", "passed", finding="f1", finding_status="not-applicable"), "passed"),
        (result("a", "failed", "[XPASS(strict)] remove @known_defect", finding="f1",
                finding_status="fixed"), "fixed"),
    ],
)  # fmt: skip
def test_each_outcome_is_read_into_its_state(made: dict, state: str) -> None:  # type: ignore[type-arg]
    assert classify(made).state == state


def test_an_xfail_keeps_its_real_message() -> None:
    outcome = classify(reproduced("a", "f1", "AssertionError: 2 events for 1 failing call"))
    assert outcome.message == "AssertionError: 2 events for 1 failing call"
    assert outcome.finding == "f1"


def test_the_last_attempt_of_a_rerun_scenario_counts(tmp_path: Path) -> None:
    first = result("a", "failed", "AssertionError: flaky", stop=1)
    second = result("a", "passed", stop=5)
    assert outcomes(write(tmp_path, first, second))[first["historyId"]].state == "passed"


def test_a_fixed_finding_with_nothing_else_is_go(tmp_path: Path) -> None:
    """1.7.0 against 1.6.1: the unknown-key scenario passes on the candidate only."""
    both = [result("ok", "passed"), reproduced("doc", "f-doc", "AssertionError: still")]
    verdict = _verdict(
        tmp_path,
        [result(UNKNOWN_KEY, "passed"), *both],
        [result(UNKNOWN_KEY, "failed", MESSAGE_161), *both],
    )
    assert verdict.decision == GO and verdict.exit_code == 0
    assert [i.scenario for i in verdict.fixed] == [UNKNOWN_KEY]
    assert verdict.fixed[0].message == MESSAGE_161  # what the baseline failed with
    assert [i.finding for i in verdict.still_present] == ["f-doc"]
    assert verdict.regressions == [] and verdict.reasons == []
    assert verdict.counts["candidate"]["passed"] == 2


def test_a_scenario_that_passed_on_the_baseline_and_fails_is_a_regression(tmp_path: Path) -> None:
    """1.6.1 against 1.7.0: NO-GO naming the scenario, with its message."""
    verdict = _verdict(
        tmp_path,
        [result(UNKNOWN_KEY, "failed", MESSAGE_161)],
        [result(UNKNOWN_KEY, "passed")],
    )
    assert verdict.decision == NO_GO and verdict.exit_code == 1
    assert [(i.scenario, i.message) for i in verdict.regressions] == [(UNKNOWN_KEY, MESSAGE_161)]
    assert verdict.reasons == ["1 regression(s): passed on the baseline, fail on the candidate"]
    text = markdown(verdict)
    assert "❌ NO-GO" in text and UNKNOWN_KEY in text and MESSAGE_161 in text


def test_a_finding_reproduced_only_on_the_candidate_is_a_regression(tmp_path: Path) -> None:
    verdict = _verdict(
        tmp_path,
        [result("s", "skipped", "XFAIL r\n\nAssertionError: doc", finding="f2",
                finding_status="reproduced")],
        [result("s", "passed", finding="f2", finding_status="not-applicable")],
    )  # fmt: skip
    assert verdict.decision == NO_GO
    assert [(i.finding, i.candidate, i.baseline) for i in verdict.regressions] == [
        ("f2", "reproduced", "passed")
    ]


def test_a_finding_that_applies_no_longer_reproducing_is_listed_fixed_and_go(
    tmp_path: Path,
) -> None:
    verdict = _verdict(
        tmp_path,
        [xpass("s", "f3")],
        [reproduced("s", "f3", "AssertionError: 1 export of 100")],
    )
    assert verdict.decision == GO
    assert [(i.finding, i.candidate) for i in verdict.fixed] == [("f3", "fixed")]


def test_a_known_defect_failing_another_way_is_no_go_on_its_own(tmp_path: Path) -> None:
    crash = "RuntimeError: the SDK crashed in flush()"
    verdict = _verdict(
        tmp_path,
        [result("s", "broken", crash, finding="f4", finding_status="other-failure")],
        [reproduced("s", "f4", "AssertionError: flush returned True")],
    )
    assert verdict.decision == NO_GO
    assert [(i.finding, i.message) for i in verdict.failing_otherwise] == [("f4", crash)]


def test_a_failure_on_both_sides_blocks_without_being_a_regression(tmp_path: Path) -> None:
    verdict = _verdict(
        tmp_path,
        [result("s", "failed", "AssertionError: a")],
        [result("s", "failed", "AssertionError: a")],
    )
    assert verdict.decision == NO_GO and verdict.regressions == []
    assert [i.scenario for i in verdict.failing_on_both] == ["s"]


def test_new_lost_and_skipped_scenarios(tmp_path: Path) -> None:
    verdict = _verdict(
        tmp_path,
        [result("new-ok", "passed"), result("new-bad", "failed", "E"), result("sk", "skipped")],
        [result("lost", "passed"), result("sk", "passed")],
    )
    assert sorted(i.scenario for i in verdict.new) == ["new-bad", "new-ok"]
    assert [i.scenario for i in verdict.new_failing] == ["new-bad"]
    assert sorted(i.scenario for i in verdict.not_run_on_candidate) == ["lost", "sk"]
    assert verdict.decision == NO_GO


def test_a_failed_quality_gate_rule_is_a_reason(tmp_path: Path) -> None:
    rule = {"success": False, "rule": "success-rate/successRate", "message": "\x1b[1m0.9\x1b[22m"}
    verdict = _verdict(tmp_path, [result("a", "passed")], [result("a", "passed")], [rule])
    assert verdict.decision == NO_GO
    assert verdict.reasons == ["quality gate: success-rate/successRate: 0.9"]


def test_the_json_and_markdown_carry_identity_and_counts(tmp_path: Path) -> None:
    import json

    verdict = _verdict(tmp_path, [result("a", "passed")], [result("a", "passed")])
    loaded = json.loads(verdict.as_json())
    assert loaded["decision"] == "GO" and loaded["exit_code"] == 0
    assert loaded["candidate"]["source"] == "release:honeyhive==1.7.0"
    text = markdown(verdict, report="reports/signoff/report.html")
    assert "✅ GO" in text and "`release:honeyhive==1.6.1`" in text
    assert "| candidate | 1 | 1 |" in text
