"""How your application configures its tracer and sessions: batching, export format, session
names, source, and what every session carries (metadata, user properties, feedback, metrics).
Every tracer the scenario opens follows these settings, whichever When runs."""

from __future__ import annotations

from pytest_bdd import given, parsers

from support.outcome import BadScenario
from support.sdk.settings import TracerSettings
from support.values import table_values, typed


@given("the tracer exports each step as soon as it ends")
def batching_off(tracer_settings: TracerSettings) -> None:
    """Batching off (the SDK's `disable_batch`)."""
    tracer_settings.disable_batch = True


@given(parsers.parse("the application caps each reply at {tokens:d} tokens"))
def reply_cap(tracer_settings: TracerSettings, tokens: int) -> None:
    """The most tokens each model call may answer with (the application's `max_tokens`)."""
    if not 1 <= tokens <= 256:
        raise BadScenario("a reply cap between 1 and 256 tokens")
    tracer_settings.max_tokens = tokens


@given("the application exports its traces over protobuf")
def over_protobuf(tracer_settings: TracerSettings) -> None:
    tracer_settings.protocol = "http/protobuf"


@given(parsers.parse('the application names its sessions "{name}"'))
def session_name(tracer_settings: TracerSettings, name: str) -> None:
    tracer_settings.session_name = name


@given(parsers.parse('the application reports its source as "{source}"'))
def source(tracer_settings: TracerSettings, source: str) -> None:
    tracer_settings.source = source


@given("every session carries the metadata:")
def session_metadata(tracer_settings: TracerSettings, datatable: list[list[str]]) -> None:
    """A table of key | value (numbers and true/false are typed as such)."""
    tracer_settings.session_metadata.update(table_values(datatable))


@given("every session carries the user properties:")
def user_properties(tracer_settings: TracerSettings, datatable: list[list[str]]) -> None:
    tracer_settings.user_properties.update(table_values(datatable))


@given("every session records the metrics:")
def session_metrics(tracer_settings: TracerSettings, datatable: list[list[str]]) -> None:
    tracer_settings.metrics.update(table_values(datatable))


@given(parsers.parse('each user rates their session {rating:d} of 5 saying "{comment}"'))
def feedback(tracer_settings: TracerSettings, rating: int, comment: str) -> None:
    tracer_settings.feedback.update({"rating": rating, "comment": comment})


@given(parsers.parse("the application retries a failed model call up to {times:d} times"))
def retries(tracer_settings: TracerSettings, times: int) -> None:
    """Each attempt its own model call (the OpenAI client's own retries are turned off)."""
    tracer_settings.retries = times
    tracer_settings.client_retries = 0


@given("the application never retries a failed model call")
def no_retries(tracer_settings: TracerSettings) -> None:
    """Neither the application nor its OpenAI client (whose default is 2 retries)."""
    tracer_settings.retries = 0
    tracer_settings.client_retries = 0


@given(parsers.parse('the tracer starts with the environment variable {name} set to "{value}"'))
def environment_variable(tracer_settings: TracerSettings, name: str, value: str) -> None:
    tracer_settings.env[name] = str(typed(value))
