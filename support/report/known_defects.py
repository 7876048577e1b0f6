"""Known defects fail only their own way (a pytest plugin).

A scenario tagged `@known_defect @issue:<id>` names a finding of `docs/findings.md`. On an SDK
the finding applies to, the scenario must fail in the Then that demonstrates the finding, with
an assertion message matching the finding's pattern: then it is reported as the known defect
reproduced (pytest: xfailed, with the real message). Any other failure — in a Given, a When,
another Then, a wait that timed out, a crash, a server error or teardown — is a regression of a
known-defect scenario and fails the run with its real message; a scenario that passes although
the finding applies fails the run too (XPASS strict), saying which tag or range to change. On an
SDK outside the finding's range the scenario is an ordinary one and must pass.

Every result of such a scenario carries the Allure labels `finding` and `finding_status`
(reproduced, fixed, other-failure, not-applicable) for the report and the sign-off verdict.

Every failed scenario, known defect or not, reads as a QA person reads it: the step that failed
and its sentence, and after a Then the When it followed — no traceback, no class name — when
the failure is a failed expectation or a scenario that cannot work. A crash (any other
exception) keeps its traceback; `pytest --tb=long` keeps them all.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import allure
import pytest

from support.outcome import BadScenario, NeedsAnotherWhen
from support.readback.polling import ReadFailed, WaitTimeout
from support.report.findings import Finding, FindingsError, registry, sdk_version

KNOWN_DEFECT = "known_defect"
FINDING = "finding"


@dataclass(frozen=True)
class FailedStep:
    keyword: str
    text: str
    error: BaseException


FAILED_STEP = pytest.StashKey[FailedStep]()
LAST_WHEN = pytest.StashKey[str]()  # the text of the scenario's latest When
STATUS = pytest.StashKey[str]()


def finding_of(item: pytest.Item) -> Finding | None:
    if item.get_closest_marker(KNOWN_DEFECT) is None:
        return None
    marker = item.get_closest_marker(FINDING)
    if marker is None:
        return None
    return registry().get(str(marker.args[0]))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every known-defect scenario names exactly one finding that docs/findings.md describes."""
    problems = []
    try:
        known = registry()
    except FindingsError as exc:
        raise pytest.UsageError(str(exc)) from exc
    for item in items:
        if item.get_closest_marker(KNOWN_DEFECT) is None:
            continue
        names = [str(m.args[0]) for m in item.iter_markers(FINDING)]
        if len(names) != 1:
            problems.append(
                f"{item.nodeid}: @known_defect needs exactly one @issue:<id>, has {names}"
            )
        elif names[0] not in known:
            problems.append(
                f"{item.nodeid}: @issue:{names[0]} has no entry with 'shown by' and 'fails with' "
                "lines in docs/findings.md"
            )
    if problems:
        raise pytest.UsageError(
            "known defects without a documented finding:\n  " + "\n  ".join(problems)
        )


def pytest_bdd_before_step(request: pytest.FixtureRequest, step: Any, **_: Any) -> None:
    if str(step.type).lower() == "when":
        request.node.stash[LAST_WHEN] = step.name


def pytest_bdd_step_error(
    request: pytest.FixtureRequest, step: Any, exception: BaseException, **_: Any
) -> None:
    request.node.stash[FAILED_STEP] = FailedStep(step.type, step.name, exception)


def record_failed_step(item: pytest.Item, keyword: str, text: str, error: BaseException) -> None:
    item.stash[FAILED_STEP] = FailedStep(keyword, text, error)


def _reproduces(finding: Finding, failed: FailedStep | None) -> tuple[bool, str]:
    """Whether the failure is the finding's own, and if not, why not (in words)."""
    if failed is None:
        return False, "it failed outside its steps (a fixture, the set-up)"
    where = f"{failed.keyword.capitalize()} {failed.text}"
    message = _sentence(failed.error)
    if isinstance(failed.error, ReadFailed):
        return False, f"a read failed in '{where}': {message}"
    if isinstance(failed.error, WaitTimeout):
        return False, f"a wait timed out in '{where}': {message}"
    if isinstance(failed.error, NeedsAnotherWhen) or not isinstance(failed.error, AssertionError):
        return False, f"'{where}' raised {type(failed.error).__name__}: {message}"
    if not finding.shown_by_step(failed.keyword, failed.text):
        return False, f"it failed in '{where}', not in the Then that shows the finding: {message}"
    if not finding.matches(message):
        return False, f"'{where}' failed with a message the finding does not describe: {message}"
    return True, message


def _sentence(error: BaseException) -> str:
    """The error's own message, without pytest's assertion introspection."""
    return str(error).split("\nassert ", 1)[0]


def _plain(error: BaseException) -> bool:
    return (
        isinstance(error, NeedsAnotherWhen | BadScenario) or type(error).__name__ == "PipelineError"
    )


def plain_text(item: pytest.Item, error: BaseException) -> str | None:
    """The failure in the scenario's words: the step, its sentence (without pytest's assertion
    introspection) and, after a Then, the When it followed. None for a crash."""
    failed = item.stash.get(FAILED_STEP, None)
    if _plain(error):
        sentence = str(error)
    elif isinstance(error, AssertionError) and failed is not None:
        sentence = _sentence(error)
    else:
        return None
    if failed is None:
        return sentence
    text = f"{failed.keyword.capitalize()} {failed.text}\n  {sentence}"
    when = item.stash.get(LAST_WHEN, None)
    if when and failed.keyword.lower() == "then":
        text += f"\n  (after: When {when})"
    return text


def _label(status: str, finding: Finding) -> None:
    allure.dynamic.label("finding", finding.id)
    allure.dynamic.label("finding_status", status)


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.when != "call":
        return
    error = call.excinfo.value if call.excinfo else None
    full = item.config.getoption("tbstyle", "auto") in ("long", "native")
    if report.failed and error is not None and not full:
        plain = plain_text(item, error)
        if plain is not None:
            report.longrepr = plain
    finding = finding_of(item)
    if finding is None:
        return
    version = sdk_version()
    if not finding.applies(version):
        item.stash[STATUS] = "not-applicable"
        _label("not-applicable", finding)
        return
    if report.passed:
        item.stash[STATUS] = "fixed"
        _label("fixed", finding)
        report.outcome = "failed"
        report.longrepr = (
            f"[XPASS(strict)] the finding {finding.id} no longer reproduces on honeyhive "
            f"{version}: the scenario passed. If this SDK fixed it, say so in docs/findings.md "
            f"('applies to: <{version}' for a fix in this version), or remove @known_defect and "
            f"@issue:{finding.id} from the scenario."
        )
        return
    if not report.failed:
        return
    ok, why = _reproduces(finding, item.stash.get(FAILED_STEP, None))
    if ok:
        item.stash[STATUS] = "reproduced"
        _label("reproduced", finding)
        report.outcome = "skipped"
        report.wasxfail = f"known defect {finding.id} reproduced: {why}"
        return
    item.stash[STATUS] = "other-failure"
    _label("other-failure", finding)
    report.longrepr = (
        f"REGRESSION in a known-defect scenario: it must fail only as the finding {finding.id} "
        f"describes (in 'Then {finding.shown_by}', matching /{finding.fails_with.pattern}/), "
        f"but {why}\n\n{report.longreprtext}"
    )
