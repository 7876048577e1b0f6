"""Chat completions through the real openai SDK; assertions on structure and token counts,
never on the 135M model's wording."""

from __future__ import annotations

import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

HELLO: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Say hello."}]


@pytest.mark.parametrize("model", ["gpt-4o-mini", "gpt-3.5-turbo", "smollm2-135m-instruct"])
def test_reply_has_openai_shape_and_echoes_the_model(client: openai.OpenAI, model: str) -> None:
    reply = client.chat.completions.create(model=model, messages=HELLO, max_tokens=6)

    assert isinstance(reply, ChatCompletion)
    assert reply.model == model
    assert reply.object == "chat.completion"
    assert reply.id.startswith("chatcmpl-")
    assert len(reply.choices) == 1
    choice = reply.choices[0]
    assert choice.index == 0
    assert choice.message.role == "assistant"
    assert isinstance(choice.message.content, str)
    assert choice.finish_reason in ("stop", "length")
    usage = reply.usage
    assert usage is not None
    assert usage.prompt_tokens > 0
    assert 0 < usage.completion_tokens <= 6
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_max_tokens_reached_gives_length(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Write a long story about a dragon."}],
        max_tokens=3,
    )

    assert reply.choices[0].finish_reason == "length"
    assert reply.usage is not None
    assert reply.usage.completion_tokens == 3


def test_max_completion_tokens_is_honoured(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="gpt-4.1-mini",
        messages=[{"role": "user", "content": "Write a long story about a dragon."}],
        max_completion_tokens=4,
    )

    assert reply.choices[0].finish_reason == "length"
    assert reply.usage is not None
    assert reply.usage.completion_tokens == 4


def test_n_gives_n_choices_and_sums_their_tokens(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="gpt-4o", messages=HELLO, max_tokens=4, n=2, temperature=1.0
    )

    assert [c.index for c in reply.choices] == [0, 1]
    assert all(c.message.content is not None for c in reply.choices)
    assert reply.usage is not None
    assert 2 <= reply.usage.completion_tokens <= 8


def test_stop_sequence_ends_the_reply_before_it(client: openai.OpenAI) -> None:
    """At temperature 0 the model counts "1, 2, 3, ...": a "," stop cuts before the first."""
    messages: list[ChatCompletionMessageParam] = [
        {"role": "user", "content": "Count from 1 to 10, separated by commas."}
    ]
    full = client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, max_tokens=12, temperature=0
    )
    stopped = client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, max_tokens=12, temperature=0, stop=[","]
    )

    full_text = full.choices[0].message.content or ""
    assert "," in full_text
    assert stopped.choices[0].message.content == full_text.split(",")[0]
    assert stopped.choices[0].finish_reason == "stop"
    assert stopped.usage is not None and full.usage is not None
    assert stopped.usage.completion_tokens < full.usage.completion_tokens


def test_temperature_zero_is_repeatable(client: openai.OpenAI) -> None:
    replies = [
        client.chat.completions.create(
            model="gpt-4o-mini", messages=HELLO, max_tokens=8, temperature=0
        )
        for _ in range(2)
    ]

    assert replies[0].choices[0].message.content == replies[1].choices[0].message.content


def test_stream_with_usage(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=HELLO,
        max_tokens=5,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)

    assert len(chunks) > 1
    assert {c.model for c in chunks} == {"gpt-4o-mini"}
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] in ("stop", "length")
    assert all(f is None for f in finishes[:-1])
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert last.usage.prompt_tokens > 0
    assert 0 < last.usage.completion_tokens <= 5
    assert all(c.usage is None for c in chunks[:-1])
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text


def test_stream_without_usage_has_no_usage_chunk(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o-mini", messages=HELLO, max_tokens=3, stream=True
        )
    )

    assert all(c.usage is None for c in chunks)
    assert chunks[-1].choices[0].finish_reason in ("stop", "length")


def test_stream_length_counts_match(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "Write a long story about a dragon."}],
            max_tokens=4,
            stream=True,
            stream_options={"include_usage": True},
        )
    )

    assert chunks[-2].choices[0].finish_reason == "length"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 4


def test_stream_n_two_interleaves_two_choices(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=HELLO,
            max_tokens=3,
            n=2,
            stream=True,
            stream_options={"include_usage": True},
        )
    )

    indexes = {c.choices[0].index for c in chunks if c.choices}
    assert indexes == {0, 1}
    finished = {c.choices[0].index for c in chunks if c.choices and c.choices[0].finish_reason}
    assert finished == {0, 1}
    assert chunks[-1].usage is not None
    assert 2 <= chunks[-1].usage.completion_tokens <= 6


def test_logprobs_are_returned(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=HELLO, max_tokens=3, logprobs=True, top_logprobs=2
    )

    logprobs = reply.choices[0].logprobs
    assert logprobs is not None and logprobs.content is not None
    assert reply.usage is not None
    # llama.cpp merges the byte-level tokens of one UTF-8 character into a single entry
    # (see LIMITATIONS), so there is at most one entry per generated token
    assert 1 <= len(logprobs.content) <= reply.usage.completion_tokens <= 3
    assert all(item.logprob <= 0 for item in logprobs.content)
    assert all(len(item.top_logprobs) == 2 for item in logprobs.content)


def test_multi_turn_with_system_and_content_parts(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "developer", "content": "Answer briefly."},
            {"role": "user", "content": [{"type": "text", "text": "Name a colour."}]},
            {"role": "assistant", "content": "Blue."},
            {"role": "user", "content": "Another one?"},
        ],
        max_tokens=4,
    )

    assert reply.usage is not None
    assert reply.usage.prompt_tokens > 20
