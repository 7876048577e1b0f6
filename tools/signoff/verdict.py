"""GO or NO-GO: the candidate SDK's outcomes against the baseline's, scenario by scenario.

NO-GO when the candidate has any of:
- a regression: a scenario that passed on the baseline fails on the candidate — including a
  finding reproduced on the candidate that the baseline did not have;
- a known-defect scenario failing some other way than its finding documents (other-failure);
- a failure on both SDKs that no finding explains (not a regression, but nothing to sign);
- a new scenario (not run on the baseline) that fails, or a scenario the candidate skipped or
  lost while the baseline ran it;
- a failed release rule of Allure's quality gate (passed in by the caller).
Reported beside it, without blocking: findings the candidate fixed (and scenarios that failed on
the baseline and pass now), findings still present, new scenarios, and the counts.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from tools.signoff.outcomes import PASSING, Outcome

GO, NO_GO = "GO", "NO-GO"
STATES = ("passed", "failed", "skipped", "reproduced", "fixed", "other-failure")


@dataclass(frozen=True)
class Item:
    scenario: str
    candidate: str  # the candidate's state ("" when it did not run there)
    baseline: str
    finding: str = ""
    message: str = ""  # the candidate's failure message (the baseline's for a fixed one)

    def line(self) -> str:
        finding = f" [{self.finding}]" if self.finding else ""
        states = f"baseline {self.baseline or 'not run'} → candidate {self.candidate or 'not run'}"
        return f"{self.scenario}{finding} ({states})"


@dataclass
class Verdict:
    decision: str
    candidate: Mapping[str, str]  # identity: version, source, hash
    baseline: Mapping[str, str]
    reasons: list[str] = field(default_factory=list)
    regressions: list[Item] = field(default_factory=list)
    failing_otherwise: list[Item] = field(default_factory=list)
    failing_on_both: list[Item] = field(default_factory=list)
    not_run_on_candidate: list[Item] = field(default_factory=list)
    new_failing: list[Item] = field(default_factory=list)
    fixed: list[Item] = field(default_factory=list)
    still_present: list[Item] = field(default_factory=list)
    new: list[Item] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    quality_gate: list[Mapping[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 0 if self.decision == GO else 1

    def as_json(self) -> str:
        return json.dumps(asdict(self) | {"exit_code": self.exit_code}, indent=2) + "\n"


def _count(outcomes: Mapping[str, Outcome]) -> dict[str, int]:
    found = Counter(o.state for o in outcomes.values())
    return {"total": len(outcomes)} | {state: found.get(state, 0) for state in STATES}


def decide(
    candidate: Mapping[str, Outcome],
    baseline: Mapping[str, Outcome],
    *,
    candidate_sdk: Mapping[str, str],
    baseline_sdk: Mapping[str, str],
    quality_gate: Sequence[Mapping[str, Any]] = (),
    labels_missing: bool = False,
) -> Verdict:
    verdict = Verdict(NO_GO, dict(candidate_sdk), dict(baseline_sdk))
    verdict.quality_gate = list(quality_gate)
    for key in sorted(set(candidate) | set(baseline), key=lambda k: _name(k, candidate, baseline)):
        _compare(verdict, candidate.get(key), baseline.get(key))
    verdict.counts = {"candidate": _count(candidate), "baseline": _count(baseline)}
    failed_rules = [r for r in quality_gate if not r.get("success", False)]
    blocking = {
        "regression(s): passed on the baseline, fail on the candidate": verdict.regressions,
        "known defect(s) failing for another reason than their finding": verdict.failing_otherwise,
        "scenario(s) failing on both SDKs, explained by no finding": verdict.failing_on_both,
        "scenario(s) the baseline ran and the candidate did not": verdict.not_run_on_candidate,
        "scenario(s) failing on the candidate that the baseline did not run": verdict.new_failing,
    }
    for what, items in blocking.items():
        if items:
            verdict.reasons.append(f"{len(items)} {what}")
    for rule in failed_rules:
        verdict.reasons.append(f"quality gate: {rule.get('rule')}: {_plain(rule.get('message'))}")
    if not candidate:
        verdict.reasons.append("the candidate run produced no results")
    verdict.decision = NO_GO if verdict.reasons else GO
    if labels_missing:
        verdict.notes.append(
            "no finding_status labels in these results: known defects were read from pytest's "
            "own outcome (xfailed = reproduced, strict XPASS = fixed), which cannot tell a "
            "crash from the documented failure"
        )
    return verdict


def _name(key: str, *sides: Mapping[str, Outcome]) -> str:
    for side in sides:
        if key in side:
            return side[key].name
    return key


def _compare(verdict: Verdict, c: Outcome | None, b: Outcome | None) -> None:
    ran = c or b
    assert ran is not None
    item = Item(
        scenario=ran.name,
        candidate=c.state if c else "",
        baseline=b.state if b else "",
        finding=(c.finding if c else "") or (b.finding if b else ""),
        message=(c.short_message() if c and c.state not in PASSING else "")
        or (b.short_message() if b and c and c.state in PASSING else ""),
    )
    if c is None:
        if b is not None and b.state != "skipped":
            verdict.not_run_on_candidate.append(item)
    elif c.state == "other-failure":
        verdict.failing_otherwise.append(item)
    elif b is None or b.state == "skipped":  # nothing on the baseline to compare with
        if b is None:
            verdict.new.append(item)
        if c.state == "failed":
            verdict.new_failing.append(item)
        elif c.state == "reproduced":
            verdict.still_present.append(item)
        elif c.state == "fixed":
            verdict.fixed.append(item)
    elif c.state == "skipped":
        verdict.not_run_on_candidate.append(item)
    elif b.state in PASSING and c.state in ("failed", "reproduced"):
        verdict.regressions.append(item)
    elif c.state == "failed":
        verdict.failing_on_both.append(item)
    elif c.state == "reproduced":
        verdict.still_present.append(item)
    elif c.state == "fixed" or b.state not in PASSING:
        verdict.fixed.append(item)


def _plain(text: Any) -> str:
    """Allure's rule messages carry ANSI bold; the verdict is read in Markdown and JSON."""
    return re.sub(r"\x1b\[[0-9;]*m", "", str(text or ""))


# ---- Markdown ---------------------------------------------------------------------------------


def _sdk(identity: Mapping[str, str]) -> str:
    hash_ = identity.get("hash", "")
    short = hash_ if len(hash_) <= 20 else hash_[:19] + "…"
    return f"honeyhive {identity.get('version', '?')} — `{identity.get('source', '?')}` ({short})"


def _section(title: str, items: Sequence[Item], *, with_message: bool = True) -> list[str]:
    if not items:
        return []
    lines = [f"### {title} ({len(items)})", ""]
    for item in items:
        lines.append(f"- {item.line()}")
        if with_message and item.message:
            lines.append(f"  > {item.message}")
    return [*lines, ""]


def markdown(verdict: Verdict, *, report: str = "") -> str:
    mark = "✅" if verdict.decision == GO else "❌"
    lines = [
        f"## SDK sign-off: {mark} {verdict.decision}",
        "",
        f"- **candidate:** {_sdk(verdict.candidate)}",
        f"- **baseline:** {_sdk(verdict.baseline)}",
    ]
    if report:
        lines.append(f"- **report:** `{report}`")
    lines.append("")
    if verdict.reasons:
        lines += ["**Why NO-GO:**", "", *(f"- {r}" for r in verdict.reasons), ""]
    lines += _section("Regressions", verdict.regressions)
    lines += _section("Known defects failing for another reason", verdict.failing_otherwise)
    lines += _section("Failing on both SDKs (no finding explains it)", verdict.failing_on_both)
    lines += _section("Ran on the baseline, not on the candidate", verdict.not_run_on_candidate)
    lines += _section("New scenarios failing", verdict.new_failing)
    lines += _section("Fixed by the candidate", verdict.fixed)
    lines += _section("Findings still present", verdict.still_present)
    lines += _section("New scenarios", verdict.new, with_message=False)
    if verdict.quality_gate:
        lines += ["### Quality gate (Allure, candidate)", ""]
        for rule in verdict.quality_gate:
            ok = "pass" if rule.get("success") else "FAIL"
            lines.append(f"- {ok}: `{rule.get('rule')}` — {_plain(rule.get('message'))}")
        lines.append("")
    lines += ["### Counts", "", "| | " + " | ".join(("total", *STATES)) + " |"]
    lines.append("|---" * (len(STATES) + 2) + "|")
    for side, counts in verdict.counts.items():
        lines.append(
            f"| {side} | " + " | ".join(str(counts.get(s, 0)) for s in ("total", *STATES)) + " |"
        )
    lines.append("")
    lines += [f"_{note}_" for note in verdict.notes]
    return "\n".join(lines).rstrip() + "\n"


def summary_line(verdict: Verdict) -> str:
    parts = [
        f"{len(verdict.regressions)} regressions",
        f"{len(verdict.fixed)} fixed",
        f"{len(verdict.still_present)} findings still present",
        f"{len(verdict.failing_otherwise)} failing otherwise",
    ]
    return f"{verdict.decision}: " + ", ".join(parts)
