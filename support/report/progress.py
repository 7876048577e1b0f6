"""Progress a person can follow, with `--progress`: one line per scenario as it finishes (its
outcome, feature and title, time, and why it skipped or failed), then the counts, the known
defects by name and where the report is (`--report-path`). Under `-n` the lines come from the
reports the controller receives, in the order scenarios finish.

pytest's own dot per test is left out for scenarios; everything else of its output (failures,
the short summary) stays as it is.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from support.target.needs import scenario_of

TITLE, DEFECT = "scenario", "known_defect"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("acceptance")
    group.addoption(
        "--progress",
        action="store_true",
        help="one line per scenario as it finishes, and a closing summary",
    )
    group.addoption(
        "--report-path",
        metavar="PATH",
        help="the report these results are rendered into, named in the closing summary",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--progress") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(Progress(config), "acceptance-progress")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each scenario's title and known-defect name travel on its reports (also from workers)."""
    if not config.getoption("--progress"):
        return
    for item in items:
        scenario = scenario_of(item)
        if scenario is None:
            continue
        title = f"{scenario.feature.name}: {scenario.name}"
        item.user_properties.append((TITLE, title))
        if item.get_closest_marker("known_defect"):
            tags = sorted(scenario.tags | scenario.feature.tags)
            issues = [tag.removeprefix("issue:") for tag in tags if tag.startswith("issue:")]
            item.user_properties.append((DEFECT, issues[0] if issues else title))


@dataclass
class Outcome:
    title: str
    defect: str | None
    word: str = "passed"
    markup: str = "green"
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Progress:
    config: pytest.Config
    running: dict[str, Outcome] = field(default_factory=dict)
    done: list[Outcome] = field(default_factory=list)
    _quiet: bool = False

    def pytest_sessionstart(self) -> None:
        reporter = self._reporter()
        if reporter is not None:
            reporter.showfspath = False  # no "features/test_features.py" line of dots
            if hasattr(reporter, "_show_progress_info"):
                reporter._show_progress_info = False  # no "[ 40%]" after our lines

    def _reporter(self) -> Any:
        return self.config.pluginmanager.get_plugin("terminalreporter")

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(
        self, report: pytest.TestReport, config: pytest.Config
    ) -> Generator[None, Any, Any]:
        status = yield
        if self._quiet and _props(report).get(TITLE):
            return status[0], "", ""  # counted by pytest, shown by us
        return status

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> Generator[None, None, None]:
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False
        props = _props(report)
        if props.get(TITLE):
            self._record(report, props)

    def _record(self, report: pytest.TestReport, props: dict[str, str]) -> None:
        outcome = self.running.setdefault(
            report.nodeid, Outcome(props[TITLE], props.get(DEFECT) or None)
        )
        outcome.seconds += report.duration
        if report.when == "call" or report.outcome != "passed":
            _classify(outcome, report)
        if report.when == "teardown":
            del self.running[report.nodeid]
            self.done.append(outcome)
            self._line(outcome)

    def _line(self, outcome: Outcome) -> None:
        reporter = self._reporter()
        if reporter is None:
            return
        detail = f"  — {outcome.detail}" if outcome.detail else ""
        reporter.write_line(
            f"{outcome.word:<13} {outcome.title}  ({outcome.seconds:.1f} s){detail}",
            **{outcome.markup: True},
        )

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.done and not self.running:
            return
        counts: dict[str, int] = {}
        for outcome in self.done:
            counts[outcome.word] = counts.get(outcome.word, 0) + 1
        shown = ", ".join(
            f"{counts[w]} {one if counts[w] == 1 else many}"
            for w, one, many in _COUNTED
            if counts.get(w)
        )
        write = terminalreporter.write_line
        terminalreporter.section("acceptance", sep="-", bold=True)
        many = "scenario" if len(self.done) == 1 else "scenarios"
        write(f"{len(self.done)} {many}: {shown or 'none finished'}")
        if self.running:
            write(
                f"{len(self.running)} did not finish: "
                + "; ".join(o.title for o in self.running.values())
            )
        reproduced = sorted({o.defect or o.title for o in self.done if o.word == "known defect"})
        if reproduced:
            write(f"known defects reproduced ({len(reproduced)}): {', '.join(reproduced)}")
        fixed = sorted({o.defect or o.title for o in self.done if o.word == "FIXED?"})
        if fixed:
            write(
                f"known defects that no longer reproduce ({len(fixed)}): {', '.join(fixed)}",
                red=True,
            )
        report = self.config.getoption("--report-path")
        results = self.config.getoption("--alluredir", None)
        if report:
            write(f"report: {Path(self.config.invocation_params.dir, report)}")
        elif results:
            write(f"Allure results: {Path(self.config.invocation_params.dir, results)}")


_COUNTED = [
    ("passed", "passed", "passed"),
    ("FAILED", "failed", "failed"),
    ("ERROR", "error", "errors"),
    ("skipped", "skipped", "skipped"),
    # the report's word for it (tools/signoff/acceptance.py): the same counts in both places
    (
        "known defect",
        "known issue (a known defect reproduced)",
        "known issues (known defects reproduced)",
    ),
    ("FIXED?", "known defect not reproduced", "known defects not reproduced"),
]


def _classify(outcome: Outcome, report: pytest.TestReport) -> None:
    phase = report.when
    if report.passed and hasattr(report, "wasxfail"):
        outcome.word, outcome.markup = "FIXED?", "red"
        outcome.detail = "a known defect did not reproduce"
    elif report.passed:
        outcome.word, outcome.markup = "passed", "green"
    elif report.skipped and hasattr(report, "wasxfail"):
        outcome.word, outcome.markup = "known defect", "yellow"
        outcome.detail = f"reproduced: {outcome.defect}" if outcome.defect else ""
    elif report.skipped:
        outcome.word, outcome.markup = "skipped", "yellow"
        outcome.detail = _skip_reason(report)
    elif phase == "call" and "XPASS(strict)" in str(report.longrepr):
        outcome.word, outcome.markup = "FIXED?", "red"
        outcome.detail = f"known defect {outcome.defect} no longer reproduces (strict xfail)"
    elif phase == "call":
        outcome.word, outcome.markup = "FAILED", "red"
        outcome.detail = _crash(report)
    else:
        outcome.word, outcome.markup = "ERROR", "red"
        outcome.detail = f"in {phase}: {_crash(report)}"


def _props(report: pytest.TestReport) -> dict[str, str]:
    return {str(k): str(v) for k, v in report.user_properties}


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return ""


def _crash(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None) or str(report.longrepr)
    first = message.strip().splitlines()[0] if message.strip() else ""
    return first[:160]
