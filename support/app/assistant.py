"""A production-like assistant: validate the user's input, retrieve context from the document
store, ask the model with the conversation so far, format the answer, record analytics. Each
stage is a traced step, as in the seed's production-like workflow."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .documents import DocumentStore, Hit, relevance
from .model_calls import complete

if TYPE_CHECKING:
    import openai
    from honeyhive import HoneyHiveTracer

STEPS = (
    "input-validation",
    "context-retrieval",
    "llm-generation",
    "response-processing",
    "analytics",
)
MAX_INPUT = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class InvalidInput(ValueError):
    pass


def validate_and_sanitize(text: str) -> str:
    cleaned = " ".join(_CONTROL.sub(" ", text).split())
    if not cleaned:
        raise InvalidInput("the question is empty")
    return cleaned[:MAX_INPUT]


def build_prompt(question: str, hits: list[Hit], history: list[Turn]) -> list[dict[str, str]]:
    context = "\n".join(f"- {h.title}: {h.body}" for h in hits) or "- (no documents found)"
    messages = [{"role": "system", "content": f"Answer briefly using this context:\n{context}"}]
    for turn in history:
        messages += [
            {"role": "user", "content": turn.user},
            {"role": "assistant", "content": turn.assistant},
        ]
    messages.append({"role": "user", "content": question})
    return messages


def process_and_format(text: str) -> str:
    return " ".join(text.split()) or "(no answer)"


@dataclass(frozen=True)
class Turn:
    user: str
    assistant: str
    prompt_tokens: int
    completion_tokens: int
    messages_sent: int


@dataclass
class Assistant:
    tracer: HoneyHiveTracer
    client: openai.OpenAI
    model: str
    store: DocumentStore
    temperature: float = 0.7
    max_tokens: int = 32  # enough for a sentence; the scenarios check structure, not prose
    retries: int = 0
    stream: bool = False
    history: list[Turn] = field(default_factory=list)
    analytics: dict[str, Any] = field(default_factory=dict)

    def answer(self, user_input: str) -> Turn:
        t = self.tracer
        with t.trace("input-validation", event_type="tool") as span:
            span.set_attribute("input.original", user_input)
            question = validate_and_sanitize(user_input)
            span.set_attribute("input.validated", question)

        with t.trace("context-retrieval", event_type="tool") as span:
            hits = self.store.search(question)
            span.set_attribute("context.documents_found", len(hits))
            span.set_attribute("context.relevance_score", relevance(hits))
            span.set_attribute("context.titles", [h.title for h in hits])

        with t.trace("llm-generation", event_type="model") as span:
            messages = build_prompt(question, hits, self.history)
            reply = complete(
                self.client,
                retries=self.retries,
                stream=self.stream,
                model=self.model,
                messages=messages,
                temperature=self.temperature,
                max_tokens=self.max_tokens,
            )
            prompt_tokens, completion_tokens = reply.prompt_tokens, reply.completion_tokens
            span.set_attribute("model.name", self.model)
            span.set_attribute("model.temperature", self.temperature)
            span.set_attribute("model.max_tokens", self.max_tokens)
            span.set_attribute("model.prompt_tokens", prompt_tokens)
            span.set_attribute("model.completion_tokens", completion_tokens)
            span.set_attribute("model.attempts", reply.attempts)

        with t.trace("response-processing", event_type="tool") as span:
            answer = process_and_format(reply.text)
            turn = Turn(question, answer, prompt_tokens, completion_tokens, len(messages))
            self.history.append(turn)
            span.set_attribute("response.length", len(answer))
            span.set_attribute("response.formatted", True)
            span.set_attribute("response.text", answer)

        with t.trace("analytics", event_type="tool") as span:
            self.analytics = conversation_analytics(self.history)
            span.set_attribute("analytics.conversation_length", len(self.history))
            span.set_attribute("analytics.total_tokens", self.analytics["total_tokens"])
        return turn


def conversation_analytics(history: list[Turn]) -> dict[str, Any]:
    return {
        "turns": len(history),
        "total_tokens": sum(t.prompt_tokens + t.completion_tokens for t in history),
        "mean_answer_length": round(sum(len(t.assistant) for t in history) / len(history), 1),
    }
