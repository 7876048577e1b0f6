"""A chat front end that streams the model's answer to the user chunk by chunk, as chat UIs do;
the user may stop reading early (the app then closes the stream)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import openai


@dataclass(frozen=True)
class StreamedAnswer:
    text: str  # what the user saw, joined from the chunks
    chunks: int  # chunks that carried text
    prompt_tokens: int | None  # from the stream's last chunk (include_usage), if it came
    completion_tokens: int | None
    finished: bool  # the stream ran to its end (False: the user stopped reading)


def stream_answer(
    client: openai.OpenAI,
    model: str,
    question: str,
    *,
    max_tokens: int,
    stop_after_chunks: int | None = None,
) -> StreamedAnswer:
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": question}],
        max_tokens=max_tokens,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
    )
    parts: list[str] = []
    prompt_tokens = completion_tokens = None
    finished = True
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
        if chunk.usage:
            prompt_tokens, completion_tokens = (
                chunk.usage.prompt_tokens,
                chunk.usage.completion_tokens,
            )
        if stop_after_chunks is not None and len(parts) >= stop_after_chunks:
            finished = False
            stream.close()
            break
    return StreamedAnswer("".join(parts), len(parts), prompt_tokens, completion_tokens, finished)
