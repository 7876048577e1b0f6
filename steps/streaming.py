"""Streamed completions: the model's answer arrives chunk by chunk."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import streaming as stream_checks
from support.flows import streaming
from support.readback.stored import Stored
from support.sdk.tracers import Run, Tracers
from support.target.model import ModelTarget
from support.target.projects import Project


@when("the chat front end streams the model's answer to the user", target_fixture="run")
def streamed(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    return streaming.streamed_answer(tracers, project, model)


@when(
    parsers.parse("the user stops reading the streamed answer after {chunks:d} chunks"),
    target_fixture="run",
)
def stopped_early(tracers: Tracers, project: Project, model: ModelTarget, chunks: int) -> Run:
    return streaming.streamed_answer(tracers, project, model, stop_after=chunks)


@then(parsers.parse('the model call under "{step}" records the whole text the user saw'))
def full_text(stored: Stored, run: Run, step: str) -> None:
    stream_checks.full_text_recorded(stored, run, step)


@then(parsers.parse('the model call under "{step}" carries the usage from the last chunk'))
def usage(stored: Stored, run: Run, step: str) -> None:
    stream_checks.usage_from_last_chunk(stored, run, step)


@then(parsers.parse('the model call under "{step}" is recorded as streamed'))
def streamed_flag(stored: Stored, step: str) -> None:
    stream_checks.recorded_as_streamed(stored, step)


@then(parsers.parse('the model call under "{step}" records the part the user saw'))
def partial(stored: Stored, run: Run, step: str) -> None:
    stream_checks.partial_text_recorded(stored, run, step)
