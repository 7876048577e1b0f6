"""Each kind of outcome lands in the category allurerc.mjs promises for it, in a real browser.

The four outcomes the release manager tells apart — a known defect the SDK has since fixed
(strict XPASS), a failed expectation, a backend's 5xx, a broken harness — cannot be made on
demand from the real features, so a throwaway pytest-bdd project makes them: real scenarios,
run by real pytest with the suite's own tag mapping (support.report.plugin, loaded the way the root
conftest loads it) and allure-pytest-bdd, rendered as `make report` renders a run (Allure 3 with
the project's allurerc.mjs, through tools.signoff.acceptance).
"""

from __future__ import annotations

import pytest

from . import report_page as ui
from .allure_run import render, results_by_name, run_pytest
from .chromium import Page, open_page

FIXED_DEFECT = "A known defect the SDK has since fixed"
FAILED = "An expectation that does not hold"
BACKEND = "A backend that answers 503"
HARNESS = "A harness that cannot reach its server"

_FEATURE = f"""\
@epic:report-check @story:categories @owner:qa-platform
Feature: Report categories
  @known_defect @issue:hh-session-name-ignored @severity:minor
  Scenario: {FIXED_DEFECT}
    Given the SDK behaves as documented

  Scenario: {FAILED}
    Given a check that fails

  Scenario: {BACKEND}
    Given the backend answers 503

  Scenario: {HARNESS}
    Given the harness cannot connect
"""
_STEPS = """\
from pytest_bdd import given, scenarios

scenarios("outcomes.feature")


@given("the SDK behaves as documented")
def documented() -> None:
    pass


@given("a check that fails")
def check_fails() -> None:
    assert 1 == 2, "the backend held 1 event, expected 2"


@given("the backend answers 503")
def backend_error() -> None:
    raise RuntimeError("Server error '503 Service Unavailable' for url: HTTP 503")


@given("the harness cannot connect")
def harness_error() -> None:
    raise ConnectionError("cannot connect to 127.0.0.1:1")
"""
_INI = "[pytest]\naddopts = -p no:cacheprovider\nbdd_features_base_dir = .\n"


@pytest.fixture(scope="module")
def report_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    base = tmp_path_factory.mktemp("categories")
    project = base / "project"
    project.mkdir()
    (project / "pytest.ini").write_text(_INI)
    (project / "conftest.py").write_text(
        'pytest_plugins = ["support.report.plugin", "support.report.known_defects"]\n'
    )
    (project / "outcomes.feature").write_text(_FEATURE)
    (project / "test_outcomes.py").write_text(_STEPS)
    results = base / "allure-results"
    run = run_pytest(
        [str(project), f"--alluredir={results}", "-q"], cwd=base, config=project / "pytest.ini"
    )
    statuses = {name: r["status"] for name, r in results_by_name(results).items()}
    assert statuses == {
        FIXED_DEFECT: "broken",  # strict XPASS: pytest fails the run, allure says broken
        FAILED: "failed",
        BACKEND: "broken",
        HARNESS: "broken",
    }, run.stdout[-3000:]
    return render(results, base / "allure-report", history=base / "history.jsonl").as_uri()


@pytest.fixture(scope="module")
def categories(report_index: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Scenario title -> the category the report's Categories tab shows it under."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with open_page(profile) as page:
        return _read_categories(page, report_index)


def _read_categories(page: Page, index: str) -> dict[str, str]:
    ui.open_report(page, index, "categories")
    ui.wait_for_text(page, "SDK defects")
    ui.expand_all(page)
    return {leaf.title: leaf.category or "" for leaf in ui.leaves(page)}


@pytest.mark.parametrize(
    ("scenario", "category"),
    [
        (FIXED_DEFECT, "Known defects that now pass (remove @known_defect)"),
        (FAILED, "SDK defects (a scenario's expectation failed)"),
        (BACKEND, "Backend defects (server errors)"),
        (HARNESS, "Test infrastructure failures"),
    ],
)
def test_each_outcome_lands_in_its_category(
    categories: dict[str, str], scenario: str, category: str
) -> None:
    assert categories.get(scenario) == category, categories


def test_every_outcome_is_in_one_category(categories: dict[str, str]) -> None:
    assert sorted(categories) == sorted([FIXED_DEFECT, FAILED, BACKEND, HARNESS])
