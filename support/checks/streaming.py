"""Then checks of streamed model calls: the stored call against what the user saw."""

from __future__ import annotations

from support.app.streaming import StreamedAnswer
from support.checks import general as checks
from support.readback.fields import MISSING
from support.readback.fields import field as value
from support.readback.stored import Stored
from support.sdk.tracers import Run


def _answer(run: Run) -> StreamedAnswer:
    answer: StreamedAnswer = run.extra["answer"]
    return answer


def full_text_recorded(stored: Stored, run: Run, step: str) -> None:
    call, answer = checks.model_call(stored, step), _answer(run)
    got = value(call, "outputs.content")
    assert got == answer.text, (
        f"the stored reply ({got!r}) is not what the user saw over {answer.chunks} chunks "
        f"({answer.text!r})"
    )


def usage_from_last_chunk(stored: Stored, run: Run, step: str) -> None:
    call, answer = checks.model_call(stored, step), _answer(run)
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


def partial_text_recorded(stored: Stored, run: Run, step: str) -> None:
    answer = _answer(run)
    assert not answer.finished, "the user read the stream to its end"
    calls = stored.model_calls_under(stored.one(step))
    assert len(calls) == 1, (
        f"the model call the user stopped reading after {answer.chunks} chunks is not stored: "
        f"under {step!r} the backend holds {[c.get('event_name') for c in calls]}"
    )
    got = value(calls[0], "outputs.content")
    assert got == answer.text, f"stored reply {got!r}, the user saw {answer.text!r}"
