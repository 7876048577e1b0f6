"""Synthetic Allure results shaped like allure-pytest-bdd's, for the sign-off tools' tests."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

XFAIL_REASON = "XFAIL known SDK defect: the SDK departs from its documented behaviour\n\n"


def result(
    name: str,
    status: str,
    message: str = "",
    *,
    finding: str = "",
    finding_status: str = "",
    severity: str = "normal",
    sdk: str = "1.7.0",
    stop: int = 2,
) -> dict[str, Any]:
    full = f"features/x.feature:{name}"
    case = hashlib.md5(full.encode()).hexdigest()
    labels = [
        {"name": "severity", "value": severity},
        {"name": "sdk", "value": sdk},
        {"name": "sdk_source", "value": f"release:honeyhive=={sdk}"},
        {"name": "sdk_hash", "value": "sha256:" + "ab" * 32},
    ]
    links = []
    if finding:
        labels.append({"name": "tag", "value": "known_defect"})
        links.append({"type": "issue", "url": f"file:///f.md#{finding}", "name": finding})
    if finding_status:
        labels += [
            {"name": "finding", "value": finding},
            {"name": "finding_status", "value": finding_status},
        ]
    found: dict[str, Any] = {
        "name": name,
        "status": status,
        "uuid": str(uuid.uuid4()),
        "historyId": f"{case}.d41d8cd98f00b204e9800998ecf8427e",
        "testCaseId": case,
        "fullName": full,
        "labels": labels,
        "links": links,
        "start": 1,
        "stop": stop,
        "steps": [],
    }
    if message:
        found["statusDetails"] = {"message": message, "trace": "trace"}
    return found


def reproduced(name: str, finding: str, message: str, **kw: Any) -> dict[str, Any]:
    """A strict xfail as pytest reports it: Allure status skipped, the reason before the text."""
    return result(name, "skipped", XFAIL_REASON + message, finding=finding, **kw)


def xpass(name: str, finding: str, **kw: Any) -> dict[str, Any]:
    text = "[XPASS(strict)] known SDK defect: the SDK departs from its documented behaviour"
    return result(name, "broken", text, finding=finding, **kw)


def write(folder: Path, *results: dict[str, Any], environment: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for each in results:
        (folder / f"{each['uuid']}-result.json").write_text(json.dumps(each))
    if environment:
        (folder / "environment.properties").write_text(environment)
    return folder
