"""Then checks of streamed model calls: the stored call against what the user saw."""

from __future__ import annotations

from support.checks import model_calls as checks
from support.flows.streaming import Streamed
from support.outcome import Outcome
from support.readback.fields import MISSING
from support.readback.fields import field as value
from support.readback.stored import Stored


def full_text_recorded(stored: Stored, streamed: Streamed, step: str) -> None:
    call, answer = checks.model_call(stored, step), streamed.answer
    got = value(call, "outputs.content")
    assert got == answer.text, (
        f"the stored reply ({got!r}) is not what the user saw over {answer.chunks} chunks "
        f"({answer.text!r})"
    )


def usage_from_last_chunk(stored: Stored, outcome: Outcome, step: str) -> None:
    """The stored token counts are the usage the model sent in the stream's last chunk (as the
    application received it on the wire)."""
    call = checks.model_call(stored, step)
    (answer,) = [x for x in checks.exchanges_under(outcome, step) if not x.failed][-1:]
    assert answer.streamed, f"the model call under {step} was not streamed"
    assert answer.prompt_tokens and answer.completion_tokens, "the stream carried no usage"
    stored_counts = {
        k: value(call, f"metadata.{k}") for k in ("prompt_tokens", "completion_tokens")
    }
    sent = {"prompt_tokens": answer.prompt_tokens, "completion_tokens": answer.completion_tokens}
    assert stored_counts == sent, f"stored token counts {stored_counts}, the last chunk said {sent}"
    total = value(call, "metadata.total_tokens")
    assert total in (MISSING, sum(sent.values())), f"stored total {total} != {sum(sent.values())}"


def recorded_as_streamed(stored: Stored, step: str) -> None:
    call = checks.model_call(stored, step)
    flags = [value(call, p) for p in ("config.stream", "metadata.stream", "config.is_streaming")]
    request = value(call, "metadata.input.value")
    streamed = True in flags or (isinstance(request, str) and '"stream": true' in request)
    assert streamed, f"nothing on the model call says it was streamed: config {call.get('config')}"


def partial_text_recorded(stored: Stored, streamed: Streamed, step: str) -> None:
    answer = streamed.answer
    assert not answer.finished, "the user read the stream to its end"
    calls = stored.model_calls_under(stored.one(step))
    assert len(calls) == 1, (
        f"the model call the user stopped reading after {answer.chunks} chunks is not stored: "
        f"under {step!r} the backend holds {[c.get('event_name') for c in calls]}"
    )
    got = value(calls[0], "outputs.content")
    assert got == answer.text, f"stored reply {got!r}, the user saw {answer.text!r}"
