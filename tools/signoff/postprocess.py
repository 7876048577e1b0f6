"""Allure results made into what a release manager reads, before the report is generated.

For each SDK's results folder, into one merged folder:
- every result gets labels `sdk_env` (the environment it belongs to: Allure 3 `environments`
  match on it) and `sdk_role` (candidate, baseline, or a nightly's release), and a hidden
  parameter `sdk_env`, so each SDK keeps its own trend (Allure keys a history entry by test case
  and parameters: two environments sharing one would overwrite each other's);
- a known defect reproduced as documented — pytest's xfail, which Allure shows as "skipped" with
  a generic reason — becomes failed with its real assertion message and `known: true`, and a
  resolution rule (Allure 3's known issues) links it to its finding; the original status stays
  in label `pytest_status`;
- a finding that no longer reproduces (strict XPASS, failed for pytest) becomes passed — the SDK
  behaves as documented — keeping pytest's message and status (label `pytest_status`); in the
  report of one run (`fixed_passes=False`, tools.signoff.acceptance) it stays failed, as the run
  is red until the tag or the finding's range changes;
- `finding_status` and `finding` labels are added from the fallback reading (tools.signoff
  .outcomes) where the suite wrote none.
Attachments and containers are copied unchanged; environment.properties are merged (a key whose
value differs between SDKs is kept once per environment: `sdk.honeyhive [candidate]`).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.signoff.outcomes import classify

ENVIRONMENT = "environment.properties"
EXECUTOR = "executor.json"


@dataclass(frozen=True)
class Source:
    env_id: str  # [A-Za-z0-9_-]+ (Allure's rule for environment ids)
    name: str  # shown in the report
    role: str
    results: Path


@dataclass
class Known:
    """One finding's reproduced results, for its resolution rule."""

    finding: str
    test_case_ids: set[str] = field(default_factory=set)
    environments: set[str] = field(default_factory=set)
    messages: set[str] = field(default_factory=set)


def env_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:64] or "sdk"


def _label(result: dict[str, Any], name: str, value: str) -> None:
    labels = result.setdefault("labels", [])
    labels[:] = [label for label in labels if label.get("name") != name]
    labels.append({"name": name, "value": value})


def transform(
    result: dict[str, Any], source: Source, known: dict[str, Known], *, fixed_passes: bool = True
) -> dict[str, Any]:
    outcome = classify(result)
    result = json.loads(json.dumps(result))  # a copy
    _label(result, "sdk_env", source.env_id)
    _label(result, "sdk_role", source.role)
    # Allure derives the history key from the test case and the parameters, not from the
    # result's historyId: a hidden parameter gives each SDK its own key (its own trend)
    parameters = result.setdefault("parameters", [])
    parameters[:] = [p for p in parameters if p.get("name") != "sdk_env"]
    parameters.append({"name": "sdk_env", "value": source.env_id, "mode": "hidden"})
    if outcome.known_defect:
        if outcome.finding:
            _label(result, "finding", outcome.finding)
        if not outcome.finding_status:
            status = {"passed": "not-applicable"}.get(outcome.state, outcome.state)
            _label(result, "finding_status", status)
    details = result.setdefault("statusDetails", {}) or {}
    result["statusDetails"] = details
    if outcome.state == "reproduced":
        _label(result, "pytest_status", str(result.get("status")))
        result["status"] = "failed"
        details["message"] = outcome.message
        details["known"] = True
        entry = known.setdefault(outcome.finding or "unnamed", Known(outcome.finding or "unnamed"))
        entry.test_case_ids.add(str(result.get("testCaseId", "")))
        entry.environments.add(source.name)  # Allure matches a rule on the environment's name
        entry.messages.add(outcome.message.strip())
    elif outcome.state == "fixed" and fixed_passes:
        _label(result, "pytest_status", str(result.get("status")))
        result["status"] = "passed"
    return result


def merge(sources: Sequence[Source], out: Path, *, fixed_passes: bool = True) -> dict[str, Known]:
    """Every source's results, transformed, into `out` (emptied first); the known issues."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    known: dict[str, Known] = {}
    properties: list[tuple[str, dict[str, str]]] = []
    for source in sources:
        for path in sorted(source.results.iterdir()):
            if path.name.endswith("-result.json"):
                result = json.loads(path.read_text(encoding="utf-8"))
                changed = transform(result, source, known, fixed_passes=fixed_passes)
                (out / path.name).write_text(json.dumps(changed), encoding="utf-8")
            elif path.name == ENVIRONMENT:
                properties.append((source.env_id, read_properties(path)))
            elif path.name == EXECUTOR:
                if not (out / EXECUTOR).exists():
                    shutil.copy2(path, out / EXECUTOR)
            elif path.is_file() and not (out / path.name).exists():
                shutil.copy2(path, out / path.name)
    if properties:
        lines = [f"{k}={v}" for k, v in merge_properties(properties).items()]
        (out / ENVIRONMENT).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return known


def read_properties(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "!")):
            key, value = line.split("=", 1)
            found[key.strip()] = value.strip()
    return found


def merge_properties(sources: Sequence[tuple[str, Mapping[str, str]]]) -> dict[str, str]:
    keys = sorted({k for _, props in sources for k in props})
    merged: dict[str, str] = {}
    for key in keys:
        values = {env: props[key] for env, props in sources if key in props}
        if len(set(values.values())) == 1 and len(values) == len(sources):
            merged[key] = next(iter(values.values()))
        else:
            for env, value in values.items():
                merged[f"{key} [{env}]"] = value
    return merged


def js_escape(text: str) -> str:
    """`text` as a literal in a JavaScript regular expression (Python's re.escape escapes
    newlines as a backslash before a raw newline, which JavaScript reads differently)."""
    escaped = re.sub(r"[\\^$.*+?()[\]{}|/]", lambda m: "\\" + m.group(0), text)
    return escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def resolution_rules(
    known: Mapping[str, Known], *, by_environment: bool = True
) -> list[dict[str, Any]]:
    """Allure 3 resolution rules: each finding's reproduced results as a known issue.

    A rule matches on test case, environment and the exact message, so the same scenario
    failing some other way (in another SDK) is not covered by it. A report without
    environments (one run) matches on test case and message only.
    """
    rules = []
    for finding in sorted(known):
        entry = known[finding]
        alternatives = "|".join(js_escape(m) for m in sorted(entry.messages))
        rules.append(
            {
                "resolution": "issue",
                "issue": {"id": finding, "type": "finding"},
                "testCaseId": sorted(entry.test_case_ids),
                **({"environment": sorted(entry.environments)} if by_environment else {}),
                "messageRegexp": rf"^\s*(?:{alternatives})\s*$",
                "comment": "reproduced as documented in docs/findings.md",
            }
        )
    return rules
