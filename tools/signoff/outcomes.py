"""What each scenario did, read from an Allure results folder.

A scenario's state is one of:

    passed          ran and held (a known defect whose finding does not apply to this SDK, too)
    failed          an expectation failed, or the harness broke (`broken` kept in `status`)
    skipped         did not run (a need the target cannot serve)
    reproduced      a known defect that failed exactly as its finding documents
    fixed           a known defect that no longer reproduces although its finding applies
    other-failure   a known-defect scenario that failed some other way

from the `finding_status` label where the suite writes one (docs/findings.md contract: reproduced,
fixed, other-failure, not-applicable). Without that label (a suite before that machinery) a
`@known_defect` scenario is read from pytest's own outcome: xfailed (Allure: skipped, "XFAIL …")
is `reproduced`, a strict XPASS is `fixed`, and any other failure is `other-failure` — although
pytest's strict xfail cannot tell a crash from the documented failure, so there `reproduced`
means "failed somehow".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KNOWN_DEFECT_TAG = "known_defect"
FINDING_STATES = {"reproduced", "fixed", "other-failure"}
PASSING = {"passed", "fixed"}  # the SDK behaves as the scenario expects
FAILING = {"failed", "other-failure"}  # a failure nothing explains
XFAIL_PREFIX = "XFAIL"
XPASS_STRICT = "XPASS(strict)"


@dataclass(frozen=True)
class Outcome:
    key: str  # the scenario across runs: Allure's historyId (scenario + example row)
    name: str
    full_name: str
    state: str
    status: str  # Allure's own status
    message: str = ""  # the real failure message (an xfail's reason prefix removed)
    finding: str = ""
    finding_status: str = ""  # as labelled, or "" when the label is missing (fallback used)
    severity: str = "normal"
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def known_defect(self) -> bool:
        return bool(self.finding) or KNOWN_DEFECT_TAG in self.labels.get("tag", ())

    def short_message(self, limit: int = 400) -> str:
        text = " ".join(self.message.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"


def labels_of(result: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for label in result.get("labels", []):
        if isinstance(label, dict) and "name" in label:
            found.setdefault(str(label["name"]), []).append(str(label.get("value", "")))
    return {name: tuple(values) for name, values in found.items()}


def _first(labels: Mapping[str, tuple[str, ...]], name: str) -> str:
    values = labels.get(name, ())
    return values[0] if values else ""


def finding_of(result: Mapping[str, Any], labels: Mapping[str, tuple[str, ...]]) -> str:
    """The `finding` label, else the name of the scenario's issue link (@issue:<id>)."""
    if _first(labels, "finding"):
        return _first(labels, "finding")
    for link in result.get("links", []):
        if isinstance(link, dict) and link.get("type") == "issue" and link.get("name"):
            return str(link["name"])
    return ""


def strip_xfail(message: str) -> str:
    """pytest's 'XFAIL <reason>\\n\\n<real message>' → the real message."""
    if message.startswith(XFAIL_PREFIX) and "\n\n" in message:
        return message.split("\n\n", 1)[1]
    return message


def classify(result: Mapping[str, Any]) -> Outcome:
    labels = labels_of(result)
    status = str(result.get("status", "unknown"))
    details = result.get("statusDetails") or {}
    message = str(details.get("message") or "")
    finding = finding_of(result, labels)
    labelled = _first(labels, "finding_status")
    original = _first(labels, "pytest_status")  # set by postprocess: the status pytest gave
    raw_status = original or status
    known = bool(_first(labels, "finding")) or KNOWN_DEFECT_TAG in labels.get("tag", ())
    if labelled in FINDING_STATES:
        state = labelled
    elif labelled == "not-applicable" or not known:
        state = {"passed": "passed", "skipped": "skipped"}.get(raw_status, "failed")
    elif raw_status == "skipped" and message.startswith(XFAIL_PREFIX):
        state = "reproduced"
    elif XPASS_STRICT in message:
        state = "fixed"
    elif raw_status == "passed":
        state = "passed"
    elif raw_status == "skipped":
        state = "skipped"
    else:
        state = "other-failure"
    return Outcome(
        key=str(result.get("historyId") or result.get("fullName") or result.get("name")),
        name=str(result.get("name", "")),
        full_name=str(result.get("fullName", "")),
        state=state,
        status=status,
        message=strip_xfail(message),
        finding=finding if known else "",
        finding_status=labelled,
        severity=_first(labels, "severity") or "normal",
        labels=labels,
    )


def read_results(folder: Path) -> list[dict[str, Any]]:
    results = []
    for path in sorted(folder.glob("*-result.json")):
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(loaded, dict):
            results.append(loaded)
    return results


def latest(results: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One result per scenario: the last attempt (a rerun plugin writes one per attempt)."""
    chosen: dict[str, Mapping[str, Any]] = {}
    for result in results:
        key = str(result.get("historyId") or result.get("fullName") or result.get("name"))
        if key not in chosen or int(result.get("stop") or 0) >= int(chosen[key].get("stop") or 0):
            chosen[key] = result
    return list(chosen.values())


def outcomes(folder: Path) -> dict[str, Outcome]:
    found = {}
    for result in latest(read_results(folder)):
        outcome = classify(result)
        found[outcome.key] = outcome
    return found
