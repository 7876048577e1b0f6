"""The framework matrix of a run as a grid, framework × instrumentor: each cell passed, failed or
a known issue (with its findings), from the `built_with` and `traced_by` labels every scenario
of a framework cell carries (`support/flows/application.choose`). Written beside the report
(`framework-matrix.md`) and attached to its front page as a global attachment."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tools.signoff.outcomes import Outcome

FRAMEWORKS = (
    "the OpenAI client",
    "LangChain",
    "LangGraph",
    "the OpenAI Agents SDK",
    "LiteLLM",
    "the Anthropic SDK",
)
INSTRUMENTORS = ("OpenInference", "Traceloop", "OpenTelemetry GenAI")
FAILED = ("failed", "other-failure", "fixed")


def cells(found: Mapping[str, Outcome]) -> dict[tuple[str, str], list[Outcome]]:
    by_cell: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in found.values():
        framework = outcome.labels.get("built_with", ())
        instrumentor = outcome.labels.get("traced_by", ())
        if framework and instrumentor:
            by_cell.setdefault((framework[0], instrumentor[0]), []).append(outcome)
    return by_cell


def state(outcomes: list[Outcome]) -> str:
    """One cell in words: failed if any scenario of it failed (a finding failing differently or
    no longer reproducing included), a known issue if any reproduced a finding, else passed."""
    failed = [o for o in outcomes if o.state in FAILED]
    if failed:
        return f"**failed** ({len(failed)} of {len(outcomes)})"
    known = sorted({o.finding for o in outcomes if o.state == "reproduced"})
    if known:
        return "known issue: " + ", ".join(known)
    skipped = [o for o in outcomes if o.state not in ("passed",)]
    if skipped:
        return f"not run ({len(skipped)} of {len(outcomes)})"
    return f"passed ({len(outcomes)})"


def grid(found: Mapping[str, Outcome]) -> str:
    """The markdown grid; empty when the run held no framework cell."""
    by_cell = cells(found)
    if not by_cell:
        return ""
    columns = [i for i in INSTRUMENTORS if any(k[1] == i for k in by_cell)]
    rows = [f for f in FRAMEWORKS if any(k[0] == f for k in by_cell)]
    lines = [
        "## Framework matrix",
        "",
        "Each cell: the scenarios of that framework traced by that instrumentor "
        "(features/framework_matrix.feature).",
        "",
        "| framework | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for framework in rows:
        shown = [
            state(by_cell[(framework, i)]) if (framework, i) in by_cell else "—" for i in columns
        ]
        lines.append(f"| {framework} | " + " | ".join(shown) + " |")
    return "\n".join(lines) + "\n"


def write(found: Mapping[str, Outcome], out: Path) -> Path | None:
    text = grid(found)
    if not text:
        return None
    path = out / "framework-matrix.md"
    path.write_text(text, encoding="utf-8")
    return path
