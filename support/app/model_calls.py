"""How the apps call the model: plainly, streamed, and optionally with an application-side retry
(tenacity) around each call, so every failed attempt is its own traced model call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

if TYPE_CHECKING:
    import openai


def retryable() -> tuple[type[Exception], ...]:
    """What an application-side retry retries (imported when a model is called: `openai` alone
    is ~0.4 s of a collection otherwise)."""
    import httpx
    import openai

    return (
        openai.RateLimitError,
        openai.InternalServerError,
        openai.APIConnectionError,
        httpx.TransportError,
    )


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    attempts: int
    failures: tuple[str, ...]


def complete(
    client: openai.OpenAI, *, retries: int = 0, stream: bool = False, **params: Any
) -> Completion:
    failures: list[str] = []
    attempts = 0
    retried = retryable()
    for attempt in Retrying(
        stop=stop_after_attempt(retries + 1),
        wait=wait_exponential(multiplier=0.1, max=1.0),
        retry=retry_if_exception_type(retried),
        reraise=True,
    ):
        with attempt:
            attempts += 1
            try:
                text, usage = _stream(client, params) if stream else _plain(client, params)
            except retried as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
                raise
    return Completion(text, usage[0], usage[1], attempts, tuple(failures))


def _plain(client: openai.OpenAI, params: dict[str, Any]) -> tuple[str, tuple[int, int]]:
    response = client.chat.completions.create(**params)
    usage = response.usage
    counts = (usage.prompt_tokens, usage.completion_tokens) if usage else (0, 0)
    return response.choices[0].message.content or "", counts


def _stream(client: openai.OpenAI, params: dict[str, Any]) -> tuple[str, tuple[int, int]]:
    parts: list[str] = []
    counts = (0, 0)
    chunks = client.chat.completions.create(
        stream=True, stream_options={"include_usage": True}, **params
    )
    for chunk in chunks:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
        if chunk.usage:
            counts = (chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
    return "".join(parts), counts
