"""Embeddings are real model vectors: unit length, deterministic, input-dependent."""

from __future__ import annotations

import math

import openai
import pytest


def _norm(vector: list[float]) -> float:
    return math.sqrt(sum(x * x for x in vector))


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / (_norm(a) * _norm(b))


def test_base64_default_of_the_sdk(client: openai.OpenAI, emulator_dimensions: int) -> None:
    """The SDK asks for base64 unless told otherwise, and decodes it itself."""
    reply = client.embeddings.create(model="text-embedding-3-small", input=["cat", "dog"])

    assert reply.model == "text-embedding-3-small"
    assert reply.object == "list"
    assert [d.index for d in reply.data] == [0, 1]
    assert all(len(d.embedding) == emulator_dimensions for d in reply.data)
    assert all(abs(_norm(d.embedding) - 1) < 1e-3 for d in reply.data)
    assert reply.usage.prompt_tokens >= 2
    assert reply.usage.total_tokens == reply.usage.prompt_tokens


def test_float_format_same_vectors_as_base64(client: openai.OpenAI) -> None:
    as_float = client.embeddings.create(
        model="text-embedding-ada-002", input="a cup of tea", encoding_format="float"
    )
    as_b64 = client.embeddings.create(model="text-embedding-ada-002", input="a cup of tea")

    assert _cosine(as_float.data[0].embedding, as_b64.data[0].embedding) > 0.9999


def test_vectors_depend_on_the_input(client: openai.OpenAI) -> None:
    reply = client.embeddings.create(
        model="text-embedding-3-small",
        input=[
            "The weather is sunny today.",
            "The weather is sunny today.",
            "Quantum chromodynamics.",
        ],
        encoding_format="float",
    )
    same, other = reply.data[1].embedding, reply.data[2].embedding

    assert _cosine(reply.data[0].embedding, same) > 0.9999
    assert _cosine(reply.data[0].embedding, other) < 0.999


def test_dimensions_shortens_and_renormalises(client: openai.OpenAI) -> None:
    reply = client.embeddings.create(
        model="text-embedding-3-large", input="hello", dimensions=64, encoding_format="float"
    )

    assert len(reply.data[0].embedding) == 64
    assert abs(_norm(reply.data[0].embedding) - 1) < 1e-6


def test_token_id_input(client: openai.OpenAI) -> None:
    reply = client.embeddings.create(
        model="text-embedding-3-small", input=[[28120, 905], [28120]], encoding_format="float"
    )

    assert len(reply.data) == 2
    assert reply.usage.prompt_tokens == 3


def test_dimensions_refused_by_ada(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.embeddings.create(model="text-embedding-ada-002", input="x", dimensions=8)
    assert raised.value.param == "dimensions"


def test_too_long_input(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.embeddings.create(model="text-embedding-3-small", input="word " * 3000)
    assert raised.value.code == "context_length_exceeded"


def test_chat_model_cannot_embed(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.embeddings.create(model="gpt-4o-mini", input="x")
    assert raised.value.param == "model"


def test_unknown_embedding_model(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as raised:
        client.embeddings.create(model="text-embedding-9", input="x")
    assert raised.value.code == "model_not_found"
