"""Results made into the release manager's report: known defects failed-but-known with their real
message, fixed ones passed, each SDK its environment and its own trend key, rules that resolve
exactly the reproduced results, environment.properties merged per SDK."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tools.signoff.postprocess import Source, js_escape, merge, resolution_rules

from .results import reproduced, result, write, xpass


def _merged(out: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return {
        f"{r['name']}@{next(lab['value'] for lab in r['labels'] if lab['name'] == 'sdk_env')}": r
        for r in (json.loads(p.read_text()) for p in out.glob("*-result.json"))
    }


def test_known_defects_become_failed_but_known_and_fixed_ones_passed(tmp_path: Path) -> None:
    message = "AssertionError: 2 events for 1 failing call\nassert 2 == 1"
    write(
        tmp_path / "c",
        reproduced("phantom", "trace-error-adds-phantom-event", message),
        xpass("batch", "batch-size-ignored"),
        result("plain", "passed"),
        environment="sdk.honeyhive=1.7.0\nhoneyhive.target=local\n",
    )
    write(
        tmp_path / "b",
        result("phantom", "passed"),
        environment="sdk.honeyhive=1.6.1\nhoneyhive.target=local\n",
    )
    sources = [
        Source("honeyhive-1_7_0", "candidate · honeyhive 1.7.0", "candidate", tmp_path / "c"),
        Source("honeyhive-1_6_1", "baseline · honeyhive 1.6.1", "baseline", tmp_path / "b"),
    ]
    known = merge(sources, tmp_path / "merged")
    merged = _merged(tmp_path / "merged")
    phantom = merged["phantom@honeyhive-1_7_0"]
    labels = {lab["name"]: lab["value"] for lab in phantom["labels"]}
    assert phantom["status"] == "failed"
    assert phantom["statusDetails"]["message"] == message  # not "XFAIL known SDK defect ..."
    assert phantom["statusDetails"]["known"] is True
    assert labels["pytest_status"] == "skipped"
    assert labels["finding_status"] == "reproduced"
    assert labels["finding"] == "trace-error-adds-phantom-event"
    assert labels["sdk_role"] == "candidate"
    hidden = {"name": "sdk_env", "value": "honeyhive-1_7_0", "mode": "hidden"}
    assert hidden in phantom["parameters"]  # one trend per SDK
    batch = merged["batch@honeyhive-1_7_0"]
    assert batch["status"] == "passed"
    assert {lab["name"]: lab["value"] for lab in batch["labels"]}["finding_status"] == "fixed"
    assert merged["phantom@honeyhive-1_6_1"]["status"] == "passed"
    props = (tmp_path / "merged" / "environment.properties").read_text().splitlines()
    assert "honeyhive.target=local" in props
    assert "sdk.honeyhive [honeyhive-1_7_0]=1.7.0" in props
    assert "sdk.honeyhive [honeyhive-1_6_1]=1.6.1" in props
    (rule,) = resolution_rules(known)
    assert rule["issue"] == {"id": "trace-error-adds-phantom-event", "type": "finding"}
    assert rule["environment"] == ["candidate · honeyhive 1.7.0"]  # Allure matches on names
    assert rule["testCaseId"] == [phantom["testCaseId"]]
    pattern = rule["messageRegexp"]
    assert re.match(pattern, message) and not re.match(pattern, "RuntimeError: crash")


def test_js_escape_leaves_a_literal() -> None:
    text = "a.b (c)\n[x] $1 a/b *?+{2}|^\\"
    assert re.fullmatch(js_escape(text), text)
    assert "\n" not in js_escape(text)
