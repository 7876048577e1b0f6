"""The step catalogue stays current, every feature step exists, and a missing step fails the
run naming the closest existing phrases."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tools import catalogue

ROOT = Path(__file__).resolve().parent.parent


def test_docs_steps_md_is_current() -> None:
    written = (ROOT / "docs" / "steps.md").read_text(encoding="utf-8")
    assert written == catalogue.render(), "docs/steps.md is stale: run `make steps`"


def test_every_step_in_the_features_has_a_definition() -> None:
    phrases = catalogue.load()
    undefined = [
        f"{kw} {text}"
        for kw, text in catalogue.feature_steps()
        if not any(catalogue.matches(p, kw, text) for p in phrases)
    ]
    assert not undefined, f"steps without a definition: {undefined}"


def test_every_phrase_has_an_example_or_is_a_known_variant() -> None:
    phrases, used = catalogue.load(), catalogue.feature_steps()
    unused = [p.text for p in phrases if catalogue.example(p, used) is None]
    assert len(unused) <= 2, f"phrases no feature uses: {unused}"


def test_suggest_names_the_closest_phrase() -> None:
    hints = catalogue.suggest("a project which records trace")
    assert hints and hints[0] == "Given a project that records traces"


def test_an_undefined_step_fails_the_run_and_names_close_phrases(tmp_path: Path) -> None:
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "typo.feature").write_text(
        textwrap.dedent(
            """\
            Feature: A feature with a typo
              Scenario: The first step does not exist
                Given a project which records trace
            """
        )
    )
    (tmp_path / "features" / "test_typo.py").write_text(
        "from pytest_bdd import scenarios\n\nscenarios('.')\n"
    )
    (tmp_path / "conftest.py").write_text(
        "from steps import MODULES\n"
        "pytest_plugins = ['support.fixtures', 'support.report.plugin', *MODULES]\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(tmp_path / "features"),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0, result.stdout
    assert "StepDefinitionNotFoundError" in result.stdout
    assert "Given a project that records traces" in result.stdout, result.stdout[-2000:]


def test_every_issue_tag_has_a_findings_entry() -> None:
    import re

    findings = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## ([\w-]+)$", findings, re.M))
    tagged = set()
    for feature in (ROOT / "features").glob("*.feature"):
        tagged |= set(re.findall(r"@issue:([\w-]+)", feature.read_text(encoding="utf-8")))
    assert tagged <= documented, (
        f"@issue tags without a docs/findings.md section: {tagged - documented}"
    )
