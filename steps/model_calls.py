"""The model calls under the application's steps, as the backend recorded them, against the
requests the application really sent and the answers it really got."""

from __future__ import annotations

from pytest_bdd import parsers, then

from support.checks import model_calls as checks
from support.outcome import Outcome
from support.readback.readback import Readback
from support.readback.stored import Stored


@then(parsers.parse('the "{step}" step holds the model call with its token counts'))
def model_call_under(stored: Stored, outcome: Outcome, step: str) -> None:
    """One model call, with the token counts the model answered with."""
    checks.model_call(stored, step)
    if outcome.exchanges_under(step):
        checks.tokens_as_answered(stored, outcome, step)


@then(parsers.parse('the model\'s reply is recorded on the "{step}" step as the app received it'))
def reply_recorded(stored: Stored, outcome: Outcome, step: str) -> None:
    checks.reply_as_received(stored, outcome, step)


@then(parsers.parse('the "{step}" step holds {total:d} model calls, of which {failed:d} failed'))
def attempts(readback: Readback, outcome: Outcome, step: str, total: int, failed: int) -> None:
    for _, stored in readback.sessions(outcome):
        checks.attempts(stored, outcome, step, total, failed)


@then(parsers.parse('every model call under "{step}" holds the messages the application sent'))
def sent_as_requested(readback: Readback, outcome: Outcome, step: str) -> None:
    for _, stored in readback.sessions(outcome):
        checks.sent_as_requested(stored, outcome, step)


@then(
    parsers.parse('every model call under "{step}" holds the token counts the model answered with')
)
def tokens(readback: Readback, outcome: Outcome, step: str) -> None:
    for _, stored in readback.sessions(outcome):
        checks.tokens_as_answered(stored, outcome, step)


@then(parsers.parse('the model call under "{step}" asked for the tool "{tool}"'))
def asked_for_tool(readback: Readback, outcome: Outcome, step: str, tool: str) -> None:
    for _, stored in readback.sessions(outcome):
        first = checks.calls_under(stored, step)[0]
        asked = [name for _, name, _ in checks.tool_calls_of(first)]
        assert asked == [tool], f"the first model call under {step} asked for the tools {asked}"


@then(parsers.parse('the "{tool}" step ran with exactly the arguments the model gave'))
def tool_ran_with_model_arguments(readback: Readback, outcome: Outcome, tool: str) -> None:
    """The tool's stored inputs are the arguments of the tool call the model really sent."""
    for _, stored in readback.sessions(outcome):
        checks.ran_with_model_arguments(stored, outcome, tool)
