"""The wire record of model traffic: a plain answer, an error, a stream folded as it is read
(text, tool calls, usage), and a stream cut before its end."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx2

from support.sdk.model_traffic import ModelTraffic, RecordingTransport


def _client(traffic: ModelTraffic, handler: httpx2.MockTransport) -> httpx2.Client:
    return httpx2.Client(transport=RecordingTransport(traffic, handler), base_url="http://model")


class _Network(httpx2.SyncByteStream):
    """A body that arrives in pieces, as from a socket (a bytes body would be read at once)."""

    def __init__(self, body: bytes, piece: int = 7) -> None:
        self.pieces = [body[i : i + piece] for i in range(0, len(body), piece)]

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces


def _streamed(body: bytes) -> httpx2.MockTransport:
    return httpx2.MockTransport(lambda r: httpx2.Response(200, stream=_Network(body)))


def _sse(*events: object) -> bytes:
    return b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"


def test_a_plain_answer_is_recorded_with_its_usage() -> None:
    body = {
        "choices": [{"message": {"content": "Paris"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 7, "completion_tokens": 2},
    }
    traffic = ModelTraffic()
    client = _client(traffic, httpx2.MockTransport(lambda r: httpx2.Response(200, json=body)))
    sent = {"model": "m", "messages": [{"role": "user", "content": "Capital?"}], "max_tokens": 4}
    assert client.post("/v1/chat/completions", json=sent).json() == body
    (x,) = traffic.exchanges
    assert (x.endpoint, x.model, x.reply, x.prompt_tokens, x.completion_tokens) == (
        "chat.completions", "m", "Paris", 7, 2,
    )  # fmt: skip
    assert x.messages == ({"role": "user", "content": "Capital?"},) and x.params == {
        "max_tokens": 4
    }
    assert not x.failed


def test_an_error_answer_is_a_failed_exchange_with_its_message() -> None:
    traffic = ModelTraffic()
    error = {"error": {"message": "Rate limit reached", "type": "rate_limit"}}
    client = _client(traffic, httpx2.MockTransport(lambda r: httpx2.Response(429, json=error)))
    client.post("/v1/chat/completions", json={"model": "m", "messages": []})
    (x,) = traffic.exchanges
    assert x.failed and x.status == 429 and x.error == "429: Rate limit reached"


def test_a_stream_is_folded_as_the_application_reads_it() -> None:
    call = {"index": 0, "id": "c1", "function": {"name": "t", "arguments": '{"q"'}}
    more = {"index": 0, "function": {"arguments": ':"x"}'}}
    chunks = _sse(
        {"choices": [{"delta": {"content": "Hel"}}]},
        {"choices": [{"delta": {"tool_calls": [call]}}]},
        {"choices": [{"delta": {"content": "lo", "tool_calls": [more]}, "finish_reason": "stop"}]},
        {"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2}},
    )
    traffic = ModelTraffic()
    client = _client(traffic, _streamed(chunks))
    with client.stream("POST", "/v1/chat/completions", json={"model": "m", "stream": True}) as r:
        b"".join(r.iter_bytes())
    (x,) = traffic.exchanges
    assert x.streamed and x.reply == "Hello" and x.finish_reason == "stop"
    assert [(c.call_id, c.name, c.arguments) for c in x.tool_calls] == [("c1", "t", '{"q":"x"}')]
    assert (x.prompt_tokens, x.completion_tokens, x.error) == (3, 2, None)


def test_a_stream_closed_before_its_end_says_so() -> None:
    chunks = b'data: {"choices": [{"delta": {"content": "Hel"}}]}\n\n'
    traffic = ModelTraffic()
    client = _client(traffic, _streamed(chunks))
    with client.stream("POST", "/v1/chat/completions", json={"model": "m", "stream": True}) as r:
        b"".join(r.iter_bytes())
    (x,) = traffic.exchanges
    assert x.reply == "Hel" and x.error == "the stream ended before its last event"
