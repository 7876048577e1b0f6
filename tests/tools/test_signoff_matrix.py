"""The framework matrix grid: each cell from the labels of its scenarios' results."""

from __future__ import annotations

from tools.signoff.matrix import grid
from tools.signoff.outcomes import Outcome


def _outcome(key: str, framework: str, instrumentor: str, state: str, finding: str = "") -> Outcome:
    return Outcome(
        key=key,
        name=key,
        full_name=key,
        state=state,
        status="passed" if state == "passed" else "failed",
        finding=finding,
        labels={"built_with": (framework,), "traced_by": (instrumentor,)},
    )


def test_each_cell_says_passed_failed_or_known_issue() -> None:
    found = {
        "a": _outcome("a", "LangChain", "OpenInference", "passed"),
        "b": _outcome("b", "LangChain", "OpenInference", "reproduced", "tool-args"),
        "c": _outcome("c", "LangChain", "Traceloop", "passed"),
        "d": _outcome("d", "the Anthropic SDK", "Traceloop", "passed"),
        "e": _outcome("e", "the Anthropic SDK", "Traceloop", "other-failure", "x"),
    }
    text = grid(found)
    assert "| framework | OpenInference | Traceloop |" in text
    assert "| LangChain | known issue: tool-args | passed (1) |" in text
    assert "| the Anthropic SDK | — | **failed** (1 of 2) |" in text


def test_a_run_without_framework_cells_has_no_grid() -> None:
    assert grid({"a": Outcome("a", "a", "a", "passed", "passed")}) == ""
