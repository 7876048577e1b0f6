"""A question-answering app: it asks the model a question and returns the answer. This is the
application an experiment evaluates, one datapoint (one question) at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model_calls import Completion, complete

if TYPE_CHECKING:
    import openai

SYSTEM = "Answer the question in one short sentence."


def answer(client: openai.OpenAI, model: str, question: str, *, max_tokens: int) -> Completion:
    """One real model call; a 135M model answers fluently and often wrongly, which is what the
    evaluators are for."""
    return complete(
        client,
        model=model,
        messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}],
        max_tokens=max_tokens,
        temperature=0.0,
    )
