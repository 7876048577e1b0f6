"""The step catalogue stays current and teaches; every feature step exists; `pytest
features/<file>.feature` runs that file; a file with unknown phrases lists them all, each with
phrases of its domain; a Gherkin syntax error names the file and line."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from support.gherkin.vocabulary import suggest
from tests.report.allure_run import child_environment
from tools import catalogue

ROOT = Path(__file__).resolve().parent.parent


def test_docs_steps_md_is_current() -> None:
    written = (ROOT / "docs" / "steps.md").read_text(encoding="utf-8")
    assert written == catalogue.render(), "docs/steps.md is stale: run `make steps`"


def test_the_catalogue_opens_with_a_walkthrough_and_says_what_thens_need() -> None:
    text = catalogue.render()
    assert text.index("Writing a requirement of your own") < text.index("## Who is tracing")
    assert "- needs: `When the assistant answers" in text  # a domain Then names its When


def test_every_step_in_the_features_has_a_definition() -> None:
    phrases = catalogue.load()
    undefined = [
        f"{kw} {text}"
        for kw, text in catalogue.feature_steps()
        if not any(p.matches(kw, text) for p in phrases)
    ]
    assert not undefined, f"steps without a definition: {undefined}"


def test_every_phrase_is_used_by_some_feature() -> None:
    phrases, used = catalogue.load(), catalogue.feature_steps()
    unused = [str(p) for p in phrases if catalogue.example(p, used) is None]
    assert len(unused) <= 3, f"phrases no feature uses: {unused}"


def test_suggestions_come_from_the_domain_of_the_phrase() -> None:
    phrases = catalogue.load()
    hints = [p.domain for p in suggest("Then", "every session is stored with the tags:", phrases)]
    assert hints and set(hints) <= {"sessions", "step_records"}, hints


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=child_environment({"ACCEPTANCE_RUN_DIR": tempfile.mkdtemp(prefix="catalogue-")}),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _project(tmp_path: Path, feature: str) -> Path:
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "mine.feature").write_text(textwrap.dedent(feature))
    (tmp_path / "conftest.py").write_text(
        "from steps import MODULES\n"
        "pytest_plugins = ['support.fixtures', 'support.gherkin.collect', *MODULES]\n"
    )
    return tmp_path


def test_a_file_with_three_unknown_phrases_reports_all_three(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        """\
        Feature: Mine
          Scenario: Three phrases that do not exist
            Given a project which records trace
            When the user asks for a refund
            Then every session is stored with the tags:
              | env | prod |
        """,
    )
    result = _pytest(root, "features/mine.feature")
    assert result.returncode != 0
    out = result.stdout
    assert "uses 3 phrase(s) that do not exist" in out, out[-3000:]
    for line in ("line 3: Given a project which records trace", "line 4: When the user asks",
                 "line 5: Then every session is stored with the tags:"):  # fmt: skip
        assert line in out, out[-3000:]
    assert "Given a project that records traces" in out
    assert "Then every session is stored with the metadata:" in out
    assert "Traceback" not in out


def test_a_gherkin_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        """\
        Feature: Mine
          Scenario: Broken
            Given a project that records traces
            Whenever it rains
        """,
    )
    result = _pytest(root, "features/mine.feature")
    assert result.returncode != 0
    assert re.search(r"features/mine\.feature:4: ", result.stdout), result.stdout[-3000:]
    assert "Whenever it rains" in result.stdout and "Traceback" not in result.stdout


def test_pytest_runs_just_the_feature_file_it_is_given() -> None:
    result = _pytest(ROOT, "--collect-only", "features/error_recovery.feature")
    ids = [line for line in result.stdout.splitlines() if "::" in line]
    assert ids and all(i.startswith("features/error_recovery.feature::") for i in ids), ids


def test_every_issue_tag_has_a_findings_entry() -> None:
    findings = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## ([\w-]+)$", findings, re.M))
    tagged = set()
    for feature in (ROOT / "features").glob("*.feature"):
        tagged |= set(re.findall(r"@issue:([\w-]+)", feature.read_text(encoding="utf-8")))
    assert tagged <= documented, (
        f"@issue tags without a docs/findings.md section: {tagged - documented}"
    )
