"""Then checks of a request flowing through processing steps: each step's output is the next
one's input as stored, anchored on the model call the instrumentation recorded (what the model
was really sent and really answered), not on the application's own variables."""

from __future__ import annotations

from support.checks.model_calls import history_of, model_call
from support.flows.data_flow import DataChain
from support.readback.stored import Stored, value


def chain_holds(stored: Stored, chain: DataChain) -> None:
    for link in chain.links:
        produced = value(stored.one(link.source), link.source_path)
        consumed = value(stored.one(link.target), link.target_path)
        assert produced == consumed, (
            f"{link.source} {link.source_path}={produced!r} but {link.target} "
            f"{link.target_path}={consumed!r}"
        )
    step = stored.one(chain.model_step)
    call = model_call(stored, chain.model_step)
    sent = [m.get("content") for m in history_of(call) if m.get("role") == "user"]
    recorded_input = value(step, chain.model_input)
    assert sent == [recorded_input], (
        f"{chain.model_step} recorded sending {recorded_input!r}; its model call was sent {sent}"
    )
    answered = value(call, "outputs.content")
    recorded_output = value(step, chain.model_output)
    assert answered == recorded_output, (
        f"{chain.model_step} recorded the answer {recorded_output!r}; its model call answered "
        f"{answered!r}"
    )
