"""The model calls under the application's steps, as the backend recorded them, against the
requests the application really sent and the answers it really got."""

from __future__ import annotations

from pytest_bdd import parsers, then

from support.checks import delivery
from support.checks import model_calls as checks
from support.outcome import Outcome
from support.readback.readback import Readback
from support.readback.stored import Stored
from support.target.runtime import Endpoints


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


@then("every model request the application sent is stored as one model call")
def stored_once(readback: Readback, outcome: Outcome, endpoints: Endpoints) -> None:
    """None missing and none twice — also when a framework's instrumentor and its client's
    both see the call; counted once the absence window is over, so a late copy is seen."""
    until = delivery.window_end(outcome, endpoints.absence_window)
    watched = []
    for session, stored in readback.sessions(outcome):
        events, _ = readback.reader(session.project).watch_session(
            session.session_id,
            until,
            what=f"the model calls of session {session.session_id}",
            settled=delivery.sent_and_settled(outcome, session),
        )
        watched.append((session, stored.again(events)))
    checks.stored_once(watched, outcome)


@then(parsers.parse('the second model call under "{step}" received the tool\'s result'))
def received_tool_result(readback: Readback, outcome: Outcome, step: str) -> None:
    """The model call that answers after a tool ran holds the tool's result among its messages,
    as the application sent it back."""
    for _, stored in readback.sessions(outcome):
        checks.received_tool_result(stored, outcome, step)


@then(parsers.parse('every model call under "{step}" was capped at {cap:d} tokens'))
def capped(readback: Readback, outcome: Outcome, step: str, cap: int) -> None:
    """Asked for at most that many tokens, stored with that cap, and answered within it."""
    for _, stored in readback.sessions(outcome):
        checks.capped_at(stored, outcome, step, cap)
