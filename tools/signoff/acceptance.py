"""The one report of one run (`make report`, so `make acceptance`): the release manager's view.

The run's results go through the same post-processing and the same Allure configuration as a
sign-off (tools.signoff.postprocess, tools.signoff.report): a known defect reproduced as
documented is a known issue — failed, with its real message, linked to its finding — never
"skipped" and never counted as passed; Allure's quality gate (the release rules of allurerc.mjs)
is evaluated; and the front page is the verdict: the report's name says whether the release
rules hold and gives the counts, its variables carry the same counts, every failed rule and
every reason for a red run is a global error in one plain sentence.

Writes into `out` (reports/allure-report): index.html (the single-file report), dashboard.html,
summary.json (Allure's, for the CI summary), summary.md, quality-gate.json, known-issues.json,
results/ (the post-processed results). A run that wrote no result (it stopped before the first
scenario: a broken configuration, an unreachable backend) is a report that says so, never one
that looks like a pass.

The counts come from one place (`Counts.of`), so the name, the variables, summary.md and the
terminal line cannot disagree with each other; the report pages count the same results.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.report.run_facts import STOPPED
from tools.signoff import matrix, report
from tools.signoff.outcomes import Outcome, outcomes
from tools.signoff.postprocess import Source, env_id, merge, resolution_rules

TITLE = "HoneyHive SDK acceptance"
DEFAULT_ENVIRONMENT = "default"  # Allure's, where every result of a report without environments is
NO_RESULTS = (
    "No scenario ran: the results folder holds no result, so nothing was shown to work "
    "(see the run's first lines: a configuration or a backend the run could not use stops it "
    "before the first scenario)."
)


@dataclass(frozen=True)
class Counts:
    """What the run's scenarios did, as the report counts them (a known issue is failed)."""

    passed: int = 0
    known_issues: int = 0
    failed: int = 0  # failed and broken, a known defect failing some other way included
    fixed: int = 0  # a known defect that no longer reproduces: a failure of the run
    skipped: int = 0

    @classmethod
    def of(cls, found: Mapping[str, Outcome]) -> Counts:
        states = [o.state for o in found.values()]
        return cls(
            passed=states.count("passed"),
            known_issues=states.count("reproduced"),
            failed=states.count("failed") + states.count("other-failure"),
            fixed=states.count("fixed"),
            skipped=states.count("skipped"),
        )

    @property
    def total(self) -> int:
        return self.passed + self.known_issues + self.failed + self.fixed + self.skipped

    @property
    def success_rate(self) -> int:
        """Passed of all results, in whole percent (Allure's front-page figure)."""
        return int(100 * self.passed / self.total) if self.total else 0

    def words(self) -> str:
        parts = [
            f"{self.passed} passed",
            f"{self.known_issues} known issue{'s' if self.known_issues != 1 else ''}",
            f"{self.failed} other failure{'s' if self.failed != 1 else ''}",
        ]
        if self.fixed:
            parts.append(f"{self.fixed} known defect(s) no longer reproducing")
        parts.append(f"{self.skipped} skipped")
        return ", ".join(parts) + f" of {self.total} ({self.success_rate} % passed)"

    def short(self) -> str:
        issues = f"{self.known_issues} known issue{'s' if self.known_issues != 1 else ''}"
        return (
            f"{self.passed} passed · {issues} · {self.failed + self.fixed} other failures · "
            f"{self.skipped} skipped ({self.success_rate} %)"
        )

    def variables(self) -> dict[str, str]:
        return {
            "Passed": str(self.passed),
            "Known issues": str(self.known_issues),
            # Allure's own "Failed" counts the known issues too: these are the rest
            "Other failures": str(self.failed + self.fixed),
            "Skipped": str(self.skipped),
            "Total": str(self.total),
            "Success rate": f"{self.success_rate} %",
        }


@dataclass(frozen=True)
class Verdict:
    holds: bool
    counts: Counts
    reasons: tuple[str, ...]  # one plain sentence each, for the front page's global errors

    @property
    def word(self) -> str:
        return "release rules hold" if self.holds else "release rules do not hold"


def sdk_name(found: Mapping[str, Outcome]) -> str:
    for outcome in found.values():
        version = outcome.labels.get("sdk", ("",))[0]
        if version:
            return f"honeyhive {version}"
    return "honeyhive (unknown version)"


def stop_sentence(results: Path) -> str:
    """Why the run stopped before its first scenario, as the suite wrote it (run-stopped.txt)."""
    try:
        text = (results / STOPPED).read_text(encoding="utf-8")
    except OSError:
        return ""
    return " ".join(text.split())


def reasons_for(
    found: Mapping[str, Outcome], gate: Sequence[Mapping[str, Any]], stopped: str = ""
) -> list[str]:
    """Why the run is red, one plain sentence each (no ANSI: generate.mjs strips Allure's)."""
    if stopped:
        return [
            f"The run stopped before its first scenario, so nothing was shown to work: {stopped}"
        ]
    if not found:
        return [NO_RESULTS]
    reasons = []
    for outcome in found.values():
        if outcome.state == "other-failure":
            reasons.append(
                f"Regression in a known-defect scenario: '{outcome.name}' failed otherwise than "
                f"its finding {outcome.finding} says: {outcome.short_message(240)}"
            )
        elif outcome.state == "fixed":
            reasons.append(
                f"'{outcome.name}' passed although its finding {outcome.finding} applies: "
                "remove @known_defect or record the fixing version."
            )
    for rule in gate:
        if not rule.get("success"):
            vacuous = str(rule.get("rule", "")).endswith("/successRate") and not rule.get(
                "testResults"
            )
            why = " (no scenario outside the known issues passed)" if vacuous else ""
            reasons.append(f"Release rule {rule.get('rule')} failed: {rule.get('message')}{why}.")
    return reasons


def acceptance_report(results: Path, out: Path, *, history: Path) -> int:
    """The report of one run into `out`; 0 when it was written (the verdict is on its front
    page and in summary.md, not in the exit code: pytest's exit code is the run's)."""
    found = outcomes(results) if results.is_dir() else {}
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    name = sdk_name(found)
    source = Source(env_id(name.replace(" ", "-")), name, "run", results)
    merged = out / "results"
    if results.is_dir():
        known = merge([source], merged, fixed_passes=False)
    else:
        merged.mkdir()
        known = {}
    counts = Counts.of(found)
    grid = matrix.write(found, out)
    job = report.Job(
        sources=[source],
        merged=merged,
        out=out / "allure",
        history=history,
        name=TITLE,
        rules=resolution_rules(known, by_environment=False),
        gate_environments=[DEFAULT_ENVIRONMENT],
        environments=False,
        attachments=[grid] if grid else [],
    )
    gate = report.run(job, gate_only=True).get(DEFAULT_ENVIRONMENT, [])
    reasons = reasons_for(found, gate, stop_sentence(results))
    verdict = Verdict(bool(found) and not reasons, counts, tuple(reasons))
    job.name = f"{TITLE} — {name}: {verdict.word} — {counts.short()}"
    job.variables = {"Verdict": verdict.word, "SDK": name, **counts.variables()}
    job.global_errors = list(reasons)
    gate = report.run(job, gate_only=False).get(DEFAULT_ENVIRONMENT, [])
    files = report.publish(job, out)
    if "awesome" in files:
        files["awesome"].rename(out / "index.html")
    summary = job.out / "awesome" / "summary.json"
    if summary.exists():
        shutil.copy2(summary, out / "summary.json")
    (out / "quality-gate.json").write_text(json.dumps(gate, indent=2) + "\n", encoding="utf-8")
    lines = [f"## {job.name}", "", counts.words(), ""] + [f"- {r}" for r in reasons]
    if grid:
        lines += ["", grid.read_text(encoding="utf-8")]
    (out / "summary.md").write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(f"report: {out / 'index.html'} — {verdict.word}: {counts.words()}")
    return 0
