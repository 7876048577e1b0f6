"""What a collected scenario needs from the run, read before it runs: the fixtures its steps ask
for (each step's definition found as pytest-bdd will find it, then pytest's fixture closure), and
whether the target can serve its tags (`@emulator_only`, `@needs_second_tenant`).

The local services follow from the fixtures: `endpoints` (every backend read or project) needs
the HoneyHive emulator, `model` the model server. A scenario whose steps cannot all be resolved
is taken to need everything.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.parser import Scenario
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.steps import step_function_context_registry
from pytest_bdd.utils import get_required_args

from support.target.config import Config
from support.target.runtime import HONEYHIVE, MODEL, local_services

EMULATOR_ONLY = "emulator_only"
NEEDS_SECOND_TENANT = "needs_second_tenant"
FIXTURE_NEEDS = {"endpoints": HONEYHIVE, "model": MODEL}


def scenario_of(item: pytest.Item) -> Scenario | None:
    """The Gherkin scenario a collected item runs (its Examples row rendered), or None."""
    template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))  # type: ignore[arg-type]
    if template is None:
        return None
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example", {}) if callspec is not None else {}
    return template.render(example)


def skip_reason(item: pytest.Item, config: Config) -> str | None:
    """Why this target cannot run the scenario, or None."""
    if item.get_closest_marker(EMULATOR_ONLY) and config.hh_target != "local":
        return (
            "needs the embedded emulator's control plane (faults, export counts); "
            "this run targets a real HoneyHive"
        )
    if (
        item.get_closest_marker(NEEDS_SECOND_TENANT)
        and config.hh_target != "local"
        and not config.hh_second_api_key
    ):
        return (
            "needs a second HoneyHive project: set HH_API_KEY_2 to an API key of another "
            "project to run the multi-tenant scenarios"
        )
    return None


def fixtures_of(item: pytest.Item) -> set[str] | None:
    """Every fixture the item and its steps ask for, transitively; None when a step of it has
    no definition (it fails anyway, but conservatively needs everything)."""
    scenario = scenario_of(item)
    if scenario is None:
        return set(getattr(item, "fixturenames", ()))
    manager = item.session._fixturemanager
    names = set(getattr(item, "fixturenames", ()))
    definitions = [
        context
        for name in get_fixture_names(manager)
        for fixturedef in getfixturedefs(manager, name, item) or ()
        if (context := step_function_context_registry.get(fixturedef.func)) is not None
    ]
    for step in scenario.steps:
        matching = [
            context
            for context in definitions
            if context.type in (None, step.type) and context.parser.is_matching(step.name)
        ]
        if not matching:
            return None
        parsed = matching[-1].parser.parse_arguments(step.name) or {}
        names.update(a for a in get_required_args(matching[-1].step_func) if a not in parsed)
    return _closure(item, names)


def _closure(item: pytest.Item, names: Iterable[str]) -> set[str]:
    manager = item.session._fixturemanager
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        defs = getfixturedefs(manager, name, item)
        if defs:
            todo.extend(defs[-1].argnames)
    return seen


def services_needed(items: Iterable[pytest.Item], config: Config) -> set[str]:
    """The local services that the items which will run need (skipped ones need nothing)."""
    usable = local_services(config)
    needed: set[str] = set()
    for item in items:
        if needed == usable:
            break
        if scenario_of(item) is None or skip_reason(item, config):
            continue
        fixtures = fixtures_of(item)
        if fixtures is None:
            needed |= usable
        else:
            needed |= {svc for name, svc in FIXTURE_NEEDS.items() if name in fixtures}
    return needed & usable
