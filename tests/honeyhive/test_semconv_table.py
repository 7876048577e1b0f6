"""The mapping table of emulator/honeyhive/semconv/README.md and the rules of the three
convention modules say the same thing, both ways: each row's (source attribute, destination)
pairs are exactly those of the rules its last column names, and every rule is in the table."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from emulator.honeyhive.semconv import genai, openinference, traceloop
from emulator.honeyhive.semconv.shared import Rule

README = Path(__file__).resolve().parents[2] / "emulator" / "honeyhive" / "semconv" / "README.md"
MODULES: dict[str, ModuleType] = {
    "genai": genai,
    "openinference": openinference,
    "traceloop": traceloop,
}
HEADER = "| concept | OTel GenAI attr | OpenInference attr | Traceloop attr | HoneyHive bucket.key"
Pair = tuple[str, str]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _names(cell: str) -> list[str]:
    """The backticked names of a cell (`-` = none)."""
    return re.findall(r"`([^`]+)`", cell)


def table_rows() -> list[tuple[str, set[Pair], list[str]]]:
    """(concept, its (source, destination) pairs, the rules it names) for each row."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(HEADER))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        concept, otel, oi, tl, dest, code = _cells(line)
        sources = {s for cell in (otel, oi, tl) for s in _names(cell)}
        destinations = [d for d in (x.strip() for x in dest.split(",")) if d]
        destinations = [d.strip("`") for d in destinations]
        pairs = {(s, d) for s in sources for d in destinations}
        rows.append((concept, pairs, [n.strip() for n in code.split(",")]))
    return rows


def rule_of(name: str) -> Rule:
    module, _, rule = name.partition(".")
    rules: dict[str, Rule] = MODULES[module].RULES
    return rules[rule]


def pairs_of(r: Rule) -> set[Pair]:
    return {(s, d) for s in r.sources for d in r.destinations}


def test_the_table_is_found_and_has_a_row_per_concept() -> None:
    rows = table_rows()
    assert len(rows) >= 30
    assert all(pairs for _, pairs, _ in rows)


@pytest.mark.parametrize(
    ("concept", "pairs", "names"),
    table_rows(),
    # by the row's concept alone: a set's order differs between processes (pytest -n)
    ids=[concept for concept, _, _ in table_rows()],
)
def test_a_row_says_what_its_rules_do(concept: str, pairs: set[Pair], names: list[str]) -> None:
    in_code: set[Pair] = set()
    for name in names:
        in_code |= pairs_of(rule_of(name))
    assert pairs == in_code, (
        f"{concept}: only in the README {sorted(pairs - in_code)}, "
        f"only in the code {sorted(in_code - pairs)}"
    )


def test_every_rule_is_in_the_table() -> None:
    named = {name for _, _, names in table_rows() for name in names}
    every = {f"{m}.{r}" for m, module in MODULES.items() for r in module.RULES}
    assert every - named == set(), f"rules missing from the README table: {every - named}"
    assert named - every == set(), f"the README names rules that do not exist: {named - every}"


def test_a_source_column_names_only_attributes_its_convention_emits() -> None:
    """The OpenInference column holds OpenInference's attributes (mapped by openinference.py);
    the Traceloop column Traceloop's own or the gen_ai.* ones Traceloop writes (genai.py)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(HEADER))
    owners = {1: ("genai",), 2: ("openinference",), 3: ("traceloop", "genai")}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = _cells(line)
        for column, allowed in owners.items():
            for source in _names(cells[column]):
                assert any(
                    source in r.sources
                    for m in allowed
                    for r in MODULES[m].RULES.values()
                    if f"{m}." in cells[5]
                ), f"{cells[0]}: {source} is not a rule of {allowed}"
