"""A pytest plugin for the suite's own tests: it breaks one thing in a scenario run, through the
suite's machinery, without touching the SDK's files.

    ACCEPTANCE_CRASH_STEP=<regex>   the step whose text matches raises RuntimeError before it runs
    ACCEPTANCE_FAIL_STEP=<regex>    the step whose text matches fails an assertion before it runs
    ACCEPTANCE_CRASH_SDK=<module:attr>   that SDK function raises RuntimeError when called
    ACCEPTANCE_PASS_CHECK=<module:attr>  that check function does nothing (the finding "fixed")

and breaks one behaviour, so a check can be shown failing when it should:

    ACCEPTANCE_BREAK=resend-exports   the SDK's JSON exporter sends every batch twice
    ACCEPTANCE_BREAK=drop-evaluator   evaluate() silently runs without the last evaluator
    ACCEPTANCE_BREAK=alter-prompt     the model is sent another text than the app recorded
    ACCEPTANCE_BREAK=no-session-delete  the backend cannot remove sessions
    ACCEPTANCE_BREAK=stale-configuration  the application calls the model with a stale setting
    ACCEPTANCE_BREAK=shared-rename    one bug in the SDK's writer and its reader: the exporter
                                      sends every span renamed ("<name>~"), events.export
                                      renames the events back — it cancels out for a reader
                                      that is the SDK's own
    ACCEPTANCE_BREAK=empty-configurations  the SDK's configuration reads give back nothing
    ACCEPTANCE_BREAK=late-resend      0.8 s after each export returned (so after the When's
                                      flush), the SDK's exporter sends the same operations again
                                      as new spans (fresh span ids)

and makes the backend unreadable from one step on:

    ACCEPTANCE_READ_OUTAGE=<regex>    before the step whose text matches, every read of the
                                      scenario's projects answers 503 (the emulator's `read`
                                      fault group: export, search, GET event/session)
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import re
from typing import Any

import pytest


def _patch(spec: str, replacement: Any) -> None:
    module_name, _, attr = spec.partition(":")
    owner: Any = importlib.import_module(module_name)
    *path, last = attr.split(".")
    for part in path:
        owner = getattr(owner, part)
    setattr(owner, last, replacement)


def pytest_configure(config: pytest.Config) -> None:
    sdk = os.environ.get("ACCEPTANCE_CRASH_SDK")
    if sdk:

        def crash(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError(f"injected SDK crash in {sdk}")

        _patch(sdk, crash)
    check = os.environ.get("ACCEPTANCE_PASS_CHECK")
    if check:
        _patch(check, lambda *args, **kwargs: None)
    broken = os.environ.get("ACCEPTANCE_BREAK")
    if broken:
        BREAKS[broken]()


def _resend_exports() -> None:
    from honeyhive.tracer.processing.otlp_exporter import OTLPJSONExporter

    original = OTLPJSONExporter.export

    def twice(self: Any, spans: Any) -> Any:
        original(self, spans)
        return original(self, spans)

    OTLPJSONExporter.export = twice  # type: ignore[method-assign]


def _drop_evaluator() -> None:
    flow: Any = importlib.import_module("support.flows.experiments")
    original = flow.evaluate

    def without_last(*args: Any, evaluators: list[Any], **kwargs: Any) -> Any:
        return original(*args, evaluators=evaluators[:-1], **kwargs)

    flow.evaluate = without_last


def _alter_prompt() -> None:
    completions: Any = importlib.import_module("openai.resources.chat.completions").Completions
    original = completions.create

    def altered(self: Any, *args: Any, messages: list[dict[str, Any]], **kwargs: Any) -> Any:
        messages = [*messages[:-1], {**messages[-1], "content": f"{messages[-1]['content']}!"}]
        return original(self, *args, messages=messages, **kwargs)

    completions.create = altered


def _no_session_delete() -> None:
    cleanup: Any = importlib.import_module("support.flows.cleanup")
    not_removable = importlib.import_module("support.target.session_removal").NotRemovable

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise not_removable("the backend offers no session delete (injected)")

    cleanup.delete_session = refuse


def _stale_configuration() -> None:
    flow: Any = importlib.import_module("support.flows.application")
    original = flow.configuration_lookup

    def stale(*args: Any, **kwargs: Any) -> Any:
        lookup = original(*args, **kwargs)

        def older(name: str) -> Any:
            found = lookup(name)
            return None if found is None else dataclasses.replace(found, temperature=0.9)

        return older

    flow.configuration_lookup = stale


def _empty_configurations() -> None:
    from honeyhive.api.client import ConfigurationsAPI

    ConfigurationsAPI.list = lambda self, *args, **kwargs: []  # type: ignore[method-assign]


def _shared_rename() -> None:
    import copy

    from honeyhive.api.client import EventsAPI
    from honeyhive.tracer.processing.otlp_exporter import HoneyHiveOTLPExporter

    write, read = HoneyHiveOTLPExporter.export, EventsAPI.export

    def renamed(span: Any) -> Any:
        twin = copy.copy(span)
        twin._name = f"{span.name}~"
        return twin

    def export(self: Any, spans: Any) -> Any:
        return write(self, [renamed(s) for s in spans])

    def export_events(self: Any, *args: Any, **kwargs: Any) -> Any:
        found = read(self, *args, **kwargs)
        events: list[Any] = list(found.events)
        for event in events:
            as_dict = isinstance(event, dict)
            name = event.get("event_name") if as_dict else getattr(event, "event_name", None)
            if isinstance(name, str) and name.endswith("~"):
                if as_dict:
                    event["event_name"] = name[:-1]
                else:
                    event.event_name = name[:-1]
        return found

    HoneyHiveOTLPExporter.export = export  # type: ignore[method-assign]
    EventsAPI.export = export_events  # type: ignore[method-assign]


LATE_RESEND_AFTER = 0.8


def _late_resend() -> None:
    import copy
    import random
    import threading

    from honeyhive.tracer.processing.otlp_exporter import HoneyHiveOTLPExporter
    from opentelemetry.trace import SpanContext

    original = HoneyHiveOTLPExporter.export

    def fresh(span: Any) -> Any:
        context = span.get_span_context()
        twin = copy.copy(span)
        twin._context = SpanContext(
            context.trace_id,
            random.getrandbits(64),
            context.is_remote,
            context.trace_flags,
            context.trace_state,
        )
        return twin

    def then_again(self: Any, spans: Any) -> Any:
        result = original(self, spans)
        twins = [fresh(s) for s in spans]
        timer = threading.Timer(LATE_RESEND_AFTER, lambda: original(self, twins))
        timer.daemon = True
        timer.start()
        return result

    HoneyHiveOTLPExporter.export = then_again  # type: ignore[method-assign]


BREAKS = {
    "resend-exports": _resend_exports,
    "drop-evaluator": _drop_evaluator,
    "alter-prompt": _alter_prompt,
    "no-session-delete": _no_session_delete,
    "stale-configuration": _stale_configuration,
    "late-resend": _late_resend,
    "empty-configurations": _empty_configurations,
    "shared-rename": _shared_rename,
}


def _read_outage(request: pytest.FixtureRequest) -> None:
    outcome = request.getfixturevalue("outcome")
    projects = {s.project.name: s.project for s in outcome.sessions}
    if outcome.has(_experiment()):
        experiment = outcome.facet(_experiment())
        projects[experiment.project.name] = experiment.project
    for project in projects.values():
        assert project.control is not None, "a read outage needs the embedded backend"
        fault = {"route": "read", "action": "status", "status": 503, "times": -1}
        project.control.set_faults(project.name, [fault])


def _experiment() -> type:
    found: type = importlib.import_module("support.flows.experiments").Experiment
    return found


def pytest_bdd_before_step(request: pytest.FixtureRequest, step: Any, **_: Any) -> None:
    """Before the step's fixtures are resolved, so a Then's `stored` is read in the outage."""
    outage = os.environ.get("ACCEPTANCE_READ_OUTAGE")
    if outage and re.search(outage, step.name):
        _read_outage(request)


def pytest_bdd_before_step_call(step: Any, **_: Any) -> None:
    crash = os.environ.get("ACCEPTANCE_CRASH_STEP")
    if crash and re.search(crash, step.name):
        raise RuntimeError(f"injected crash before '{step.name}'")
    fail = os.environ.get("ACCEPTANCE_FAIL_STEP")
    if fail and re.search(fail, step.name):
        raise AssertionError(f"injected assertion in '{step.name}'")
