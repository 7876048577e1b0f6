"""The step vocabulary: every phrase the step modules define, grouped by domain (the module), and
what to suggest for a phrase that does not exist — the phrases of the same kind (Given, When,
Then) from the domains whose words it shares, best match first."""

from __future__ import annotations

import difflib
import re
import string
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from pytest_bdd.steps import step_function_context_registry

_KINDS = {"d": "a whole number", "f": "a number", "": "text"}
_WORD = re.compile(r"[a-z]{3,}")
_COMMON = {"the", "and", "with", "that", "its", "their", "every", "each", "step", "steps"}


@dataclass(frozen=True)
class Phrase:
    keyword: str  # Given, When or Then
    text: str  # with {name} placeholders
    domain: str  # the step module, e.g. "sessions"
    doc: str
    params: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        return re.compile(re.sub(r"\\\{\w+\\\}", "(.+?)", re.escape(self.text)))

    def matches(self, keyword: str, text: str) -> bool:
        return self.keyword == keyword and self.pattern().fullmatch(text) is not None

    def __str__(self) -> str:
        return f"{self.keyword} {self.text}"


def phrases(modules: Iterable[str] | None = None) -> list[Phrase]:
    """Every phrase of the loaded step modules (`steps.*`), in the modules' order."""
    wanted = list(modules) if modules is not None else None
    found = []
    for ctx in step_function_context_registry.values():
        module = ctx.step_func.__module__
        if not module.startswith("steps.") or (wanted is not None and module not in wanted):
            continue
        text = ctx.parser.name
        fields = [(f, spec) for _, f, spec, _ in string.Formatter().parse(text) if f]
        found.append(
            Phrase(
                keyword=(ctx.type or "step").capitalize(),
                text=re.sub(r"\{(\w+):[^}]*\}", r"{\1}", text),
                domain=module.removeprefix("steps."),
                doc=" ".join((ctx.step_func.__doc__ or "").split()),
                params=tuple(f"{f} ({_KINDS.get(spec or '', 'text')})" for f, spec in fields),
            )
        )
    order = {m: i for i, m in enumerate(wanted or [])}
    kinds = {"Given": 0, "When": 1, "Then": 2}
    return sorted(
        found, key=lambda p: (order.get(f"steps.{p.domain}", 99), kinds.get(p.keyword, 3), p.text)
    )


def domain_doc(domain: str) -> str:
    module = sys.modules.get(f"steps.{domain}")
    return " ".join((module.__doc__ or "").split()) if module else ""


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower())) - _COMMON


def suggest(keyword: str, text: str, vocabulary: list[Phrase], limit: int = 6) -> list[Phrase]:
    """Phrases of the same kind that could do the job: from the one or two domains holding the
    closest-reading phrases, closest first."""
    same = [p for p in vocabulary if p.keyword == keyword] or vocabulary
    wanted = text.lower()

    def close(p: Phrase) -> float:
        shared = len(_words(wanted) & _words(p.text)) / (len(_words(wanted)) or 1)
        return difflib.SequenceMatcher(None, wanted, p.text.lower()).ratio() + 0.5 * shared

    ranked = sorted(same, key=close, reverse=True)
    domains: list[str] = []
    for p in ranked:
        if p.domain not in domains:
            domains.append(p.domain)
        if len(domains) == 2:
            break
    return [p for p in ranked if p.domain in domains][:limit]
