"""Streamed completions: the model's answer arrives chunk by chunk."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import streaming as checks
from support.flows import streaming
from support.flows.streaming import Streamed
from support.outcome import Outcome
from support.readback.stored import Stored
from support.sdk.tracers import Tracers
from support.target.model import ModelTarget
from support.target.projects import Project


@when("the chat front end streams the model's answer to the user", target_fixture="outcome")
def streamed(tracers: Tracers, project: Project, model: ModelTarget) -> Outcome:
    return streaming.streamed_answer(tracers, project, model)


@when(
    parsers.parse("the user stops reading the streamed answer after {chunks:d} chunks"),
    target_fixture="outcome",
)
def stopped_early(tracers: Tracers, project: Project, model: ModelTarget, chunks: int) -> Outcome:
    return streaming.streamed_answer(tracers, project, model, stop_after=chunks)


@then(parsers.parse('the model call under "{step}" records the whole text the user saw'))
def full_text(stored: Stored, outcome: Outcome, step: str) -> None:
    checks.full_text_recorded(stored, outcome.facet(Streamed), step)


@then(parsers.parse('the model call under "{step}" carries the usage from the last chunk'))
def usage(stored: Stored, outcome: Outcome, step: str) -> None:
    checks.usage_from_last_chunk(stored, outcome, step)


@then(parsers.parse('the model call under "{step}" is recorded as streamed'))
def streamed_flag(stored: Stored, step: str) -> None:
    checks.recorded_as_streamed(stored, step)


@then(parsers.parse('the model call under "{step}" records the part the user saw'))
def partial(stored: Stored, outcome: Outcome, step: str) -> None:
    checks.partial_text_recorded(stored, outcome.facet(Streamed), step)
