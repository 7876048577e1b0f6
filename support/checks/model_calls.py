"""Then checks of the model calls the instrumentation recorded under the application's steps,
compared with the requests the application really sent and the answers it really got (recorded
on the wire, `support/sdk/model_traffic.py`)."""

from __future__ import annotations

import json
from typing import Any

from support.outcome import ModelExchange, NeedsAnotherWhen, Outcome, SessionOutcome
from support.readback.fields import MISSING, field
from support.readback.reader import Event
from support.readback.stored import Stored, is_model_call, value
from support.sdk.wire_shapes import CHAT, MESSAGES, RESPONSES

TOKENS = ("prompt_tokens", "completion_tokens")
CONVERSATIONS = (CHAT, RESPONSES, MESSAGES)  # the APIs a model is asked through
# where each client puts the reply's token cap (LangChain sends OpenAI's newer name)
CAPS = ("max_tokens", "max_completion_tokens", "max_output_tokens")


def calls_under(stored: Stored, step: str) -> list[Event]:
    """The instrumented model calls under every stored step named `step`, oldest first (through
    the units a framework opens by itself: an agent run's workflow and turns)."""
    steps = stored.named(step)
    assert steps, f"the session holds no step {step!r}; it holds {stored.names()}"
    return [call for event in steps for call in stored.model_calls_under(event)]


def exchanges_under(outcome: Outcome, step: str, *, chat_only: bool = True) -> list[ModelExchange]:
    found = [
        x for x in outcome.exchanges_under(step) if not chat_only or x.endpoint in CONVERSATIONS
    ]
    if not found:
        made = sorted({str(x.step) for x in outcome.model_exchanges}) or "none"
        raise NeedsAnotherWhen(
            f"'{outcome.action}' sent no model request under the step {step!r} "
            f"(steps that called the model: {made})"
        )
    return found


def model_call(stored: Stored, step: str) -> Event:
    """The one instrumented model call nested in step `step`, with token counts above 0."""
    calls = calls_under(stored, step)
    assert len(calls) == 1, f"model calls under {step}: {[c.get('event_name') for c in calls]}"
    call = calls[0]
    for counter in TOKENS:
        got = value(call, f"metadata.{counter}")
        assert isinstance(got, int | float) and got > 0, f"{counter} of the model call is {got!r}"
    return call


def tokens_as_answered(stored: Stored, outcome: Outcome, step: str) -> None:
    """Each model call under the step carries the token counts the model answered with."""
    calls = [c for c in calls_under(stored, step) if not c.get("error")]
    answered = [x for x in exchanges_under(outcome, step) if not x.failed]
    assert len(calls) == len(answered), (
        f"{len(calls)} successful model calls stored under {step}; the application got "
        f"{len(answered)} answers"
    )
    for call, answer in zip(calls, answered, strict=True):
        stored_counts = {k: field(call, f"metadata.{k}") for k in TOKENS}
        sent = {
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
        }
        assert stored_counts == sent, (
            f"the model call under {step} is stored with {stored_counts}; the model answered {sent}"
        )


def reply_as_received(stored: Stored, outcome: Outcome, step: str) -> None:
    """The last model call under the step holds the reply the application received."""
    calls = [c for c in calls_under(stored, step) if not c.get("error")]
    answered = [x for x in exchanges_under(outcome, step) if not x.failed]
    assert calls and answered, f"no answered model call under {step}"
    got, sent = field(calls[-1], "outputs.content"), answered[-1].reply
    assert got == sent, (
        f"the model call under {step} stored the reply {got!r}; the app got {sent!r}"
    )


def sent_as_requested(stored: Stored, outcome: Outcome, step: str) -> None:
    """Each model call under the step holds exactly the messages the application sent."""
    calls = calls_under(stored, step)
    exchanges = exchanges_under(outcome, step)
    assert len(calls) == len(exchanges), (
        f"{len(calls)} model calls stored under {step}; the application sent {len(exchanges)}"
    )
    for call, exchange in zip(calls, exchanges, strict=True):
        history = value(call, "inputs.chat_history")
        got = [(m.get("role"), m.get("content")) for m in history]
        want = [(m.get("role"), m.get("content")) for m in exchange.messages]
        if exchange.endpoint == MESSAGES:
            got = _tool_results_as_sent(got, want)
        assert got == want, f"the model call under {step} holds the messages {got}; sent {want}"


def _tool_results_as_sent(
    got: list[tuple[Any, Any]], want: list[tuple[Any, Any]]
) -> list[tuple[Any, Any]]:
    """Anthropic carries a tool's result in a user turn: stored as that user turn or as a tool
    message, it is the same message as the tool message sent."""
    same = list(got)
    for i, (sent, (role, content)) in enumerate(zip(want, got, strict=False)):
        if role == "user" and sent == ("tool", content):
            same[i] = sent
    return same


def attempts(stored: Stored, outcome: Outcome, step: str, total: int, failed: int) -> None:
    """The step holds `total` model calls, `failed` of them failed, the one that succeeded with
    the token counts the model answered it with (on the wire)."""
    calls = calls_under(stored, step)
    errors = [c for c in calls if c.get("error")]
    ok = [c for c in calls if not c.get("error")]
    assert (len(calls), len(errors)) == (total, failed), (
        f"the {step!r} step holds {_calls(len(calls))}, {len(errors)} of them failed"
        + (f" (with {[c.get('error') for c in errors]})" if errors else "")
        + f"; the scenario expects {_calls(total)}, {failed} of them failed"
    )
    if total > failed:
        answered = [x for x in exchanges_under(outcome, step) if not x.failed]
        assert answered, f"the application got no answer to a model call under {step!r}"
        want = (answered[-1].prompt_tokens, answered[-1].completion_tokens)
        got = (value(ok[-1], "metadata.prompt_tokens"), value(ok[-1], "metadata.completion_tokens"))
        assert got == want, (
            f"the successful call under {step!r} is stored with (prompt, completion) tokens {got};"
            f" the model answered with {want}"
        )


def settings_as_sent(stored: Stored, outcome: Outcome, step: str) -> None:
    """The model call under the step records the model and the settings the app sent."""
    call = model_call(stored, step)
    (sent,) = [x for x in exchanges_under(outcome, step) if not x.failed][-1:]
    assert value(call, "config.model") == sent.model, (
        f"the call is stored with model {field(call, 'config.model')!r}, sent {sent.model!r}"
    )
    for name in ("temperature", "max_tokens"):
        if name in sent.params:
            got = field(call, f"config.{name}")
            assert got == sent.params[name], f"{name} stored {got!r}, sent {sent.params[name]!r}"


def tool_calls_of(event: Event) -> list[tuple[str, str, str]]:
    """(call id, tool name, arguments) of the tool calls a stored model event holds: in its
    outputs (OpenAI's nesting or OpenInference's flat keys), else in the raw response the
    instrumentation kept (`metadata.output.value`)."""
    outputs = event.get("outputs") or {}
    structured = outputs.get("tool_calls")
    if isinstance(structured, list) and structured:
        found = []
        for c in structured:
            if isinstance(c, dict):
                inner = c.get("function")
                fn: dict[str, Any] = inner if isinstance(inner, dict) else c
                found.append((str(c.get("id", "")), str(fn.get("name")), str(fn.get("arguments"))))
        return found
    flat = []
    for i in range(16):
        name = field(outputs, f"tool_calls.{i}.tool_call.function.name")
        if name is MISSING:
            break
        args = field(outputs, f"tool_calls.{i}.tool_call.function.arguments")
        call_id = field(outputs, f"tool_calls.{i}.tool_call.id")
        flat.append(("" if call_id is MISSING else str(call_id), str(name), str(args)))
    if flat:
        return flat
    raw = field(event, "metadata.output.value")
    if isinstance(raw, str):
        try:
            message = json.loads(raw)["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            return []
        return [
            (str(c.get("id", "")), c["function"]["name"], c["function"]["arguments"])
            for c in message.get("tool_calls") or []
        ]
    return []


def _calls(n: int) -> str:
    return f"{n} model call{'' if n == 1 else 's'}"


def ran_with_model_arguments(stored: Stored, outcome: Outcome, tool: str) -> None:
    """The tool's stored inputs are the arguments of the tool calls the model really sent (on
    the wire), in order."""
    wire = []
    for exchange in outcome.model_exchanges:
        for call in exchange.tool_calls:
            if call.name != tool:
                continue
            try:
                wire.append(json.loads(call.arguments))
            except ValueError:
                raise AssertionError(
                    f"the model asked for the tool {tool!r} with arguments that are not JSON "
                    f"({call.arguments!r}: cut off by the token limit of the request?), so "
                    "there are no arguments the tool could have run with"
                ) from None
    if not wire:
        raise NeedsAnotherWhen(
            f"'{outcome.action}' made no model request that asked for the tool {tool!r}"
        )
    ran = [e.get("inputs") for e in stored.named(tool)]
    assert ran and ran == wire[: len(ran)], (
        f"the {tool!r} step ran with {ran}; the model asked for {wire}"
    )


def history_of(event: Event) -> list[dict[str, Any]]:
    history = value(event, "inputs.chat_history")
    assert isinstance(history, list), f"the model call's messages are stored as {history!r}"
    return [m for m in history if isinstance(m, dict)]


def stored_once(readback_sessions: list[tuple[SessionOutcome, Stored]], outcome: Outcome) -> None:
    """Every request the application sent the model is one stored model call: none missing,
    none recorded twice (a framework's and a client's instrumentor both seeing one call)."""
    sent = [x for x in outcome.model_exchanges if x.endpoint in CONVERSATIONS]
    if not sent:
        raise NeedsAnotherWhen(f"'{outcome.action}' sent the model no request")
    calls = [
        (e.get("event_name"), stored.parent_name(e))
        for _, stored in readback_sessions
        for e in stored.steps
        if is_model_call(e)
    ]
    assert len(calls) == len(sent), (
        f"the backend holds {_calls(len(calls))} ({calls}); "
        f"the application sent the model {len(sent)} request(s)"
    )


def received_tool_result(stored: Stored, outcome: Outcome, step: str) -> None:
    """The second model call under the step holds, among the messages it was sent, the result
    the tool returned (as the application sent it back, on the wire)."""
    exchanges = exchanges_under(outcome, step)
    assert len(exchanges) >= 2, (
        f"the application made {len(exchanges)} model request(s) under {step!r}; "
        "a second one, answering from the tool's result, needs the model to call a tool first"
    )
    results = _tool_results(exchanges[1].messages)
    if not results:
        raise NeedsAnotherWhen(
            f"the second model request under {step!r} carried no tool result: the model "
            "called no tool"
        )
    calls = calls_under(stored, step)
    assert len(calls) >= 2, (
        f"the {step!r} step holds {_calls(len(calls))}; the application made {len(exchanges)}"
    )
    history = history_of(calls[1])
    missing = [r for r in results if not holds_json(history, r)]
    assert not missing, (
        f"the second model call under {step!r} is stored with the messages {history}; the "
        f"tool's result {missing[0]} is not among them"
    )


def _tool_results(messages: tuple[Any, ...]) -> list[Any]:
    """The tool results a request carried back to the model, parsed: OpenAI's `tool`
    messages, Anthropic's `tool_result` blocks, the Responses API's `function_call_output`."""
    found: list[Any] = []
    for m in messages:
        if not isinstance(m, dict):
            continue
        if m.get("role") == "tool":
            found.append(m.get("content"))
        if m.get("type") == "function_call_output":
            found.append(m.get("output"))
        content = m.get("content")
        if isinstance(content, list):
            found += [
                b.get("content")
                for b in content
                if isinstance(b, dict) and b.get("type") == "tool_result"
            ]
    return [_parsed(r) for r in found if r is not None]


def _parsed(text: Any) -> Any:
    if isinstance(text, str):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def holds_json(node: Any, wanted: Any) -> bool:
    """Whether `node` holds `wanted` somewhere, as a value or as JSON text of it."""
    if _parsed(node) == wanted:
        return True
    if isinstance(node, dict):
        return any(holds_json(v, wanted) for v in node.values())
    if isinstance(node, list):
        return any(holds_json(v, wanted) for v in node)
    return False


def capped_at(stored: Stored, outcome: Outcome, step: str, cap: int) -> None:
    """Each model call under the step was asked for at most `cap` tokens, is stored with that
    cap, and holds a reply of no more tokens than that (as many as the model answered with)."""
    calls = [c for c in calls_under(stored, step) if not c.get("error")]
    answered = [x for x in exchanges_under(outcome, step) if not x.failed]
    assert calls and len(calls) == len(answered), (
        f"{_calls(len(calls))} stored under {step!r}; the application got {len(answered)} answers"
    )
    for call, answer in zip(calls, answered, strict=True):
        sent = next((answer.params[k] for k in CAPS if k in answer.params), None)
        assert sent == cap, f"the application asked the model for {sent!r} tokens, not {cap}"
        got = field(call, "config.max_tokens")
        if got is MISSING:
            got = field(call, "config.max_output_tokens")
        assert got == cap, (
            f"the model call under {step!r} is stored with "
            f"{'no token cap' if got is MISSING else f'the token cap {got!r}'}; the "
            f"application asked for {cap}"
        )
        tokens = field(call, "metadata.completion_tokens")
        assert tokens == answer.completion_tokens and isinstance(tokens, int) and tokens <= cap, (
            f"the model call under {step!r} is stored with {tokens!r} reply tokens; the model "
            f"answered with {answer.completion_tokens} under a cap of {cap}"
        )
