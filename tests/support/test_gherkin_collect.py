"""support/gherkin/collect.py builds each scenario's test with pytest-bdd's public `scenario`
decorator: no private name of pytest-bdd is imported, and what the decorator gives (one test per
scenario, one per Examples row, the Gherkin tags as marks) is what the suite relies on."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.report.allure_run import child_environment

ROOT = Path(__file__).resolve().parents[2]


def test_collection_imports_nothing_private_from_pytest_bdd() -> None:
    tree = ast.parse((ROOT / "support" / "gherkin" / "collect.py").read_text(encoding="utf-8"))
    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pytest_bdd")
        for alias in node.names
        if alias.name.startswith("_")
    ]
    private += [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in {"pytest_bdd", "scenario"}
        and node.attr.startswith("_")
    ]
    assert private == []


def _collect(*args: str) -> list[str]:
    quiet = ["-q", "-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest"]
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", *quiet, *args],
        cwd=ROOT,
        env=child_environment({}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    return [line for line in ran.stdout.splitlines() if "::" in line]


def test_outlines_give_one_test_per_example_and_tags_become_marks() -> None:
    feature = ROOT / "features" / "agent_tool_calls.feature"
    outline_rows = _collect(str(feature.relative_to(ROOT)), "-k", "model_asks_for_a_tool")
    assert len(outline_rows) >= 2 and all("[" in row for row in outline_rows), outline_rows
    findings = "features/"
    tagged = set(_collect(findings, "-m", "known_defect"))
    untagged = set(_collect(findings, "-m", "not known_defect"))
    assert tagged and untagged and not tagged & untagged
    assert tagged | untagged == set(_collect(findings))
