"""docs/findings.md is read into findings that say how each may fail, and a failure is the
finding's own only in its Then, with its message, as an assertion (not a crash or a timeout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.outcome import NeedsAnotherWhen
from support.readback.polling import WaitTimeout
from support.report.findings import FindingsError, registry
from support.report.known_defects import FailedStep, _reproduces

DOC = """\
# findings

## flush-hides-failures
- **shown by:** the Then step `the flush reports that the export failed`
- **fails with:** `flush\\(\\) returned True`
- **applies to:** honeyhive `<1.8`
- **seen in:** 1.6.1, 1.7.0

text

## no-lines-here
Prose only: not a finding the suite reads.
"""


def _registry(tmp_path: Path, text: str) -> dict[str, object]:
    path = tmp_path / "findings.md"
    path.write_text(text, encoding="utf-8")
    registry.cache_clear()
    try:
        return dict(registry(path))
    finally:
        registry.cache_clear()


def test_the_real_findings_document_reads_whole() -> None:
    found = registry()
    assert len(found) >= 13 and all(f.fails_with.pattern for f in found.values())


def test_a_finding_says_where_how_and_on_which_versions_it_fails(tmp_path: Path) -> None:
    found = _registry(tmp_path, DOC)
    assert list(found) == ["flush-hides-failures"]
    finding = registry.__wrapped__(tmp_path / "findings.md")["flush-hides-failures"]
    assert finding.applies("1.7.0") and not finding.applies("1.8.0")
    assert finding.seen_in == ("1.6.1", "1.7.0")
    assert finding.shown_by_step("then", "the flush reports that the export failed")
    assert not finding.shown_by_step("when", "the flush reports that the export failed")


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        (DOC.replace("- **fails with:** `flush\\(\\) returned True`\n", ""), "no fails with"),
        (DOC.replace("`<1.8`", "`<<1.8`"), "not a version range"),
        (DOC.replace("`flush\\(\\) returned True`", "`flush(`"), "not a valid pattern"),
    ],
)
def test_a_finding_that_cannot_be_read_names_itself(tmp_path: Path, broken: str, says: str) -> None:
    with pytest.raises(FindingsError, match=says):
        _registry(tmp_path, broken)


@pytest.mark.parametrize(
    ("failed", "own", "because"),
    [
        (
            FailedStep("then", "the flush reports that the export failed",
                       AssertionError("flush() returned True although the backend answered 503")),
            True, "flush() returned True",
        ),
        (
            FailedStep("then", "the backend refused the export", AssertionError("x")),
            False, "not in the Then that shows the finding",
        ),
        (
            FailedStep("then", "the flush reports that the export failed", AssertionError("other")),
            False, "a message the finding does not describe",
        ),
        (
            FailedStep("then", "the flush reports that the export failed",
                       WaitTimeout("session", 1.0, 3, None, "")),
            False, "a wait timed out",
        ),
        (
            FailedStep("when", "the backend refuses every trace export with status 503",
                       RuntimeError("SDK crash")),
            False, "raised RuntimeError",
        ),
        (
            FailedStep("then", "the flush reports that the export failed",
                       NeedsAnotherWhen("needs another When")),
            False, "raised NeedsAnotherWhen",
        ),
        (None, False, "outside its steps"),
    ],
)  # fmt: skip
def test_only_the_findings_own_failure_reproduces_it(
    failed: FailedStep | None, own: bool, because: str
) -> None:
    ok, why = _reproduces(registry()["flush-hides-failures"], failed)
    assert ok is own and because in why
