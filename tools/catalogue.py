"""The step catalogue, generated from the step code: every phrase QA can use in a feature, its
parameters and an example from the features. `python -m tools.catalogue` prints docs/steps.md;
`suggest` names the closest phrases when a feature uses a step that does not exist."""

from __future__ import annotations

import difflib
import importlib
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path

from pytest_bdd.parser import FeatureParser
from pytest_bdd.steps import step_function_context_registry

from steps import MODULES

FEATURES = Path(__file__).resolve().parent.parent / "features"
_KINDS = {"d": "a whole number", "f": "a number", "": "text"}

GUIDE = """\
## Writing a new scenario

1. Pick the feature file of the domain (or add `features/<domain>.feature` with a `Feature:`
   line, a short paragraph saying what the business expects, and tags: `@epic:…`, `@story:…`,
   `@severity:blocker|critical|normal|minor|trivial`, `@owner:…`).
2. Write `Scenario:` lines in the domain's words, only with the phrases below: a `Given` that
   sets up who is tracing (a project), one `When` that makes the application do something, and
   `Then` lines that say what the backend must hold. Replace `{name}` parts by your values;
   quoted parameters keep their quotes.
3. Use `Scenario Outline:` with an `Examples:` table to run the same scenario over several
   values (`<column>` in the steps).
4. Tags that change how a scenario runs: `@known_defect` (the SDK departs from its
   documentation: runs as a strict expected failure), `@emulator_only` (needs the embedded
   backend's fault or export controls; skipped against a real HoneyHive),
   `@needs_second_tenant` (uses two projects; against a real HoneyHive it needs HH_API_KEY_2).
5. Run it: `make acceptance` (all features) or `.venv/bin/pytest features -k "<words of the
   scenario title>"`. A phrase that does not exist fails the run and names the closest
   phrases that do.
"""


@dataclass(frozen=True)
class Phrase:
    keyword: str
    text: str
    module: str
    doc: str
    params: list[str]


def load() -> list[Phrase]:
    for module in MODULES:
        importlib.import_module(module)
    phrases = []
    for ctx in step_function_context_registry.values():
        module = ctx.step_func.__module__
        if not module.startswith("steps."):
            continue
        text = ctx.parser.name
        fields = [(f, spec) for _, f, spec, _ in string.Formatter().parse(text) if f]
        params = [f"{f} ({_KINDS.get(spec or '', 'text')})" for f, spec in fields]
        phrases.append(
            Phrase(
                keyword=(ctx.type or "step").capitalize(),
                text=re.sub(r"\{(\w+):[^}]*\}", r"{\1}", text),
                module=module.removeprefix("steps."),
                doc=(ctx.step_func.__doc__ or "").strip().split("\n")[0],
                params=params,
            )
        )
    order = {m.removeprefix("steps."): i for i, m in enumerate(MODULES)}
    kinds = {"Given": 0, "When": 1, "Then": 2}
    return sorted(phrases, key=lambda p: (order.get(p.module, 99), kinds.get(p.keyword, 3), p.text))


def feature_steps() -> list[tuple[str, str]]:
    """(keyword, text) of every step written in the features, And/But resolved."""
    found = []
    for path in sorted(FEATURES.glob("*.feature")):
        feature = FeatureParser(str(FEATURES), path.name).parse()
        for scenario in feature.scenarios.values():
            for step in [*scenario.all_background_steps, *scenario._steps]:
                found.append((step.type.capitalize(), step.name))
    return found


def matches(phrase: Phrase, keyword: str, text: str) -> bool:
    if phrase.keyword not in (keyword, "Step"):
        return False
    pattern = re.sub(r"\\\{\w+\\\}", "(.+?)", re.escape(phrase.text))
    return re.fullmatch(pattern, text) is not None


def example(phrase: Phrase, used: list[tuple[str, str]]) -> str | None:
    return next((text for kw, text in used if matches(phrase, kw, text)), None)


def suggest(text: str, phrases: list[Phrase] | None = None, n: int = 3) -> list[str]:
    phrases = phrases if phrases is not None else load()
    texts = {p.text: f"{p.keyword} {p.text}" for p in phrases}
    return [texts[t] for t in difflib.get_close_matches(text, list(texts), n=n, cutoff=0.3)]


def render() -> str:
    phrases, used = load(), feature_steps()
    out = [
        "# Step catalogue",
        "",
        "Generated from the step code by `make steps` (do not edit by hand; a test keeps it",
        "current). Every phrase below can be used in a feature file; `{name}` marks a parameter.",
        "",
        GUIDE,
    ]
    module = None
    for p in phrases:
        if p.module != module:
            module = p.module
            doc = " ".join((sys.modules[f"steps.{module}"].__doc__ or "").split())
            out += ["", f"## {module}", "", doc, ""]
        out.append(f"- **{p.keyword}** `{p.text}`")
        if p.doc:
            out.append(f"  - {p.doc}")
        if p.params:
            out.append(f"  - parameters: {', '.join(f'`{x}`' for x in p.params)}")
        sample = example(p, used)
        out.append(
            f"  - example: `{p.keyword} {sample}`" if sample else "  - example: (not used yet)"
        )
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
