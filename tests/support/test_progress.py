"""The progress lines and the closing summary, from reports as pytest (or an xdist controller)
receives them: one line per scenario once its teardown is reported, and the counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pytest

from support.report.progress import DEFECT, TITLE, Progress


class Terminal:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write_line(self, line: str, **markup: bool) -> None:
        self.lines.append(line)

    def section(self, title: str, **markup: Any) -> None:
        self.lines.append(f"--- {title} ---")


class PluginManager:
    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def get_plugin(self, name: str) -> Terminal:
        return self.terminal


class FakeConfig:
    def __init__(self, terminal: Terminal, **options: Any) -> None:
        self.pluginmanager = PluginManager(terminal)
        self.options = {"--report-path": None, "--alluredir": None, **options}

    def getoption(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)

    invocation_params = pytest.Config.InvocationParams(args=(), plugins=None, dir=Path("/proj"))


def report(
    nodeid: str,
    when: Literal["setup", "call", "teardown"],
    outcome: Literal["passed", "failed", "skipped"],
    *,
    title: str = "Feature: A scenario",
    defect: str | None = None,
    longrepr: Any = None,
    wasxfail: str | None = None,
    duration: float = 0.5,
) -> pytest.TestReport:
    props = [(TITLE, title)] + ([(DEFECT, defect)] if defect else [])
    made = pytest.TestReport(
        nodeid,
        ("features/test_features.py", 1, nodeid),
        {},
        outcome,
        longrepr,
        when,
        user_properties=props,
        duration=duration,
    )
    if wasxfail is not None:
        made.wasxfail = wasxfail
    return made


def run(progress: Progress, *reports: pytest.TestReport) -> None:
    for made in reports:
        progress._record(made, {str(k): str(v) for k, v in made.user_properties})


def test_one_line_per_scenario_once_its_teardown_is_reported() -> None:
    terminal = Terminal()
    progress = Progress(FakeConfig(terminal))  # type: ignore[arg-type]
    run(progress, report("a", "setup", "passed"), report("a", "call", "passed"))
    assert terminal.lines == []
    run(progress, report("a", "teardown", "passed"))
    assert terminal.lines == ["passed        Feature: A scenario  (1.5 s)"]


def test_outcomes_and_the_closing_summary() -> None:
    terminal = Terminal()
    config = FakeConfig(terminal, **{"--report-path": "reports/allure-report/index.html"})
    progress = Progress(config)  # type: ignore[arg-type]
    skip = ("features/x.py", 3, "Skipped: needs the embedded emulator's control plane")
    run(
        progress,
        report("s", "setup", "passed", title="F: skipped one"),
        report("s", "call", "skipped", title="F: skipped one", longrepr=skip),
        report("s", "teardown", "passed", title="F: skipped one"),
        report(
            "d",
            "call",
            "skipped",
            title="F: defect",
            defect="batch-size-ignored",
            longrepr=skip,
            wasxfail="known SDK defect",
        ),
        report("d", "teardown", "passed", title="F: defect", defect="batch-size-ignored"),
        report(
            "x",
            "call",
            "failed",
            title="F: fixed",
            defect="flush-hides-failures",
            longrepr="[XPASS(strict)] known SDK defect",
        ),
        report("x", "teardown", "passed", title="F: fixed", defect="flush-hides-failures"),
        report("e", "setup", "failed", title="F: broken", longrepr="fixture 'x' not found"),
        report("e", "teardown", "passed", title="F: broken"),
    )
    words = [line.split("  ")[0].strip() for line in terminal.lines]
    assert words == ["skipped", "known defect", "FIXED?", "ERROR"]
    assert terminal.lines[0].endswith("— needs the embedded emulator's control plane")
    assert terminal.lines[1].endswith("— reproduced: batch-size-ignored")
    assert "in setup: fixture 'x' not found" in terminal.lines[3]
    progress.pytest_terminal_summary(terminal)
    assert terminal.lines[4:] == [
        "--- acceptance ---",
        "4 scenarios: 1 error, 1 skipped, 1 known issue (a known defect reproduced),"
        " 1 known defect not reproduced",
        "known defects reproduced (1): batch-size-ignored",
        "known defects that no longer reproduce (1): flush-hides-failures",
        "report: /proj/reports/allure-report/index.html",
    ]


def test_without_scenarios_there_is_no_summary() -> None:
    terminal = Terminal()
    Progress(FakeConfig(terminal)).pytest_terminal_summary(terminal)  # type: ignore[arg-type]
    assert terminal.lines == []
