"""``/v1/models``: every accepted name, all served by the same SmolLM2."""

from __future__ import annotations

import openai
import pytest


def test_list_has_chat_and_embedding_names(client: openai.OpenAI) -> None:
    models = list(client.models.list())
    ids = {m.id for m in models}

    assert {"gpt-4o-mini", "gpt-4o", "smollm2-135m-instruct", "text-embedding-3-small"} <= ids
    assert all(m.object == "model" and m.owned_by for m in models)


def test_retrieve_one(client: openai.OpenAI) -> None:
    model = client.models.retrieve("gpt-4o-mini")
    assert model.id == "gpt-4o-mini"


def test_retrieve_unknown(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("no-such-model")
