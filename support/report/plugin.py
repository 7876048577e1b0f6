"""Report wiring (a pytest plugin): Gherkin tags → Allure labels and pytest marks, and service
logs attached to a scenario whose step failed."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import allure
import pytest

from emulator.process import tail
from support.report.evidence import attach_text
from support.target.needs import scenario_of, skip_reason
from support.target.plugin import run_config
from support.target.runtime import service_logs

_LABEL_TAG = re.compile(r"^(epic|feature|story|severity|owner|issue):(.+)$")
_SEVERITIES = {"blocker", "critical", "normal", "minor", "trivial"}
FEATURES = Path(__file__).resolve().parents[2] / "features"


def pytest_configure(config: pytest.Config) -> None:
    """Register every plain Gherkin tag as a marker, so `-m tag` selects and typos fail."""
    config.addinivalue_line("markers", "finding(id): the finding an @issue:<id> tag names")
    for feature in FEATURES.glob("*.feature"):
        for tag in re.findall(r"(?<!\S)@([\w:.-]+)", feature.read_text(encoding="utf-8")):
            if not _LABEL_TAG.match(tag):
                config.addinivalue_line("markers", f"{tag}: Gherkin tag")


KNOWN_DEFECT = "known_defect"
# where an @issue:<id> tag links to: this checkout's docs/findings.md unless CI sets a web URL
ISSUE_URL = os.environ.get(
    "ACCEPTANCE_ISSUE_URL", (FEATURES.parent / "docs" / "findings.md").as_uri() + "#{}"
)


def pytest_bdd_apply_tag(tag: str, function: Callable[..., Any]) -> bool | None:
    if tag == KNOWN_DEFECT:
        # how it may fail is the finding's business: support/report/known_defects.py
        pytest.mark.known_defect(function)
        return True
    match = _LABEL_TAG.match(tag)
    if not match:
        return None  # a plain tag: pytest-bdd applies it as a mark
    kind, value = match.groups()
    if kind == "severity":
        if value not in _SEVERITIES:
            raise ValueError(f"@severity:{value} is not one of {sorted(_SEVERITIES)}")
        allure.severity(value)(function)
    elif kind == "issue":
        allure.issue(ISSUE_URL.format(value), name=value)(function)
        pytest.mark.finding(value)(function)
    else:
        allure.label(kind, value)(function)
    return True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every scenario's result carries its target (`local` or `remote`): trends kept apart."""
    scenarios = [item for item in items if scenario_of(item) is not None]
    if scenarios:
        target = run_config(config).hh_target
        for item in scenarios:
            item.add_marker(pytest.mark.allure_label(target, label_type="target"))


@pytest.hookimpl(trylast=True)  # after allure-pytest-bdd has opened the scenario's result
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, **_: Any) -> None:
    """A scenario the target cannot serve skips here, at the start of its call, so the report
    lists it with the reason (a skip during setup comes before the result exists)."""
    reason = skip_reason(request.node, run_config(request.config))
    if reason:
        pytest.skip(reason)


def pytest_bdd_step_error(**_: Any) -> None:
    for name, path in service_logs().items():
        attach_text(f"{name} server log (tail)", tail(path, 200))
