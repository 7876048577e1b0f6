"""Model calls as the backend recorded them (the SDK's OpenInference instrumentation)."""

from __future__ import annotations

from pytest_bdd import parsers, then

from support.checks import general as checks
from support.readback.stored import Stored
from support.sdk.tracers import Run


@then(parsers.parse('the "{step}" step holds the model call with its token counts'))
def model_call_under(stored: Stored, step: str) -> None:
    checks.model_call(stored, step)


@then(parsers.parse('the model\'s reply is recorded on the "{step}" step as the app received it'))
def reply_recorded(stored: Stored, run: Run, step: str) -> None:
    checks.reply_recorded(stored, run, step)


@then(
    parsers.parse(
        'the "{step}" step records the model name, temperature, max tokens and token counts'
    )
)
def generation_settings(stored: Stored, run: Run, step: str) -> None:
    checks.generation_settings(stored, run, step)


@then(
    parsers.parse('the model call under "{step}" reports the same model, settings and token counts')
)
def call_matches_app(stored: Stored, run: Run, step: str) -> None:
    checks.call_matches_app(stored, run, step)
