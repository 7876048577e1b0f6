"""What the application sent to the model and what came back, recorded on the wire.

The application's OpenAI clients are built on an httpx transport that keeps, per scenario, every
request (messages and parameters as sent) with its answer (status, text, tool calls, usage, error),
and the application step it was made under. The Thens compare the trace with this record of the
real traffic instead of with the application's own variables. Nothing is altered: the bytes go
through unchanged and a streamed body is read only as fast as the application reads it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx  # the HTTP library the openai 3.x client is built on

from support.outcome import ModelExchange, ToolCall
from support.sdk import wire_shapes as wire
from support.sdk.span_index import current_step


@dataclass
class ModelTraffic:
    """The exchanges of one scenario, in the order they were sent."""

    exchanges: list[ModelExchange] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __repr__(self) -> str:
        return f"ModelTraffic({len(self.exchanges)} exchanges)"

    def add(self, exchange: ModelExchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def mark(self) -> int:
        return len(self.exchanges)

    def since(self, mark: int) -> list[ModelExchange]:
        with self._lock:
            return list(self.exchanges[mark:])


@dataclass
class _Sent:
    step: str | None
    endpoint: str
    body: dict[str, Any]

    @classmethod
    def of(cls, request: httpx.Request, step: str | None = None) -> _Sent:
        try:
            body = json.loads(request.content or b"{}")
        except (ValueError, httpx.RequestNotRead):
            body = {}
        return cls(
            step or current_step(),
            wire.endpoint_of(request.url.path),
            body if isinstance(body, dict) else {},
        )

    @property
    def streamed(self) -> bool:
        return bool(self.body.get("stream"))

    def exchange(self, status: int, **answer: Any) -> ModelExchange:
        carried = ("messages", "model", "input", "system", "instructions")
        params = {k: v for k, v in self.body.items() if k not in carried}
        return ModelExchange(
            step=self.step,
            endpoint=self.endpoint,
            model=str(self.body.get("model", "")),
            messages=tuple(wire.sent_messages(self.endpoint, self.body)),
            params=params,
            streamed=self.streamed,
            status=status,
            **answer,
        )

    def answered(self, status: int, answer: wire.Answer, error: str | None = None) -> ModelExchange:
        return self.exchange(
            status,
            reply=answer.reply,
            tool_calls=tuple(ToolCall(c.call_id, c.name, c.arguments) for c in answer.calls),
            prompt_tokens=answer.prompt_tokens,
            completion_tokens=answer.completion_tokens,
            finish_reason=answer.finish_reason,
            error=error,
        )


def _from_body(sent: _Sent, status: int, content: bytes) -> ModelExchange:
    try:
        body = json.loads(content or b"{}")
    except ValueError:
        return sent.exchange(status, error=content.decode("utf-8", "replace")[:500])
    if status != 200:
        message = wire.error_message(body)
        return sent.exchange(status, error=f"{status}: {message or str(body)[:300]}")
    return sent.answered(status, wire.answer_of(sent.endpoint, body))


@dataclass
class _Stream:
    """Server-sent events of a streamed answer, folded as the application reads them."""

    sent: _Sent
    status: int
    buffer: bytes = b""
    fold: wire.StreamFold = field(init=False)

    def __post_init__(self) -> None:
        self.fold = wire.StreamFold(self.sent.endpoint)

    def feed(self, chunk: bytes) -> None:
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            self._line(line.strip())

    def _line(self, line: bytes) -> None:
        if not line.startswith(b"data:"):
            return
        data = line[5:].strip()
        if data == b"[DONE]":
            self.fold.done = True
            return
        try:
            event = json.loads(data)
        except ValueError:
            return
        if isinstance(event, dict):
            self.fold.event(event)

    def exchange(self, error: str | None) -> ModelExchange:
        if self.status != 200:
            return _from_body(self.sent, self.status, self.buffer)
        fold = self.fold
        if error is None and not fold.done:
            error = "the stream ended before its last event"
        answer = wire.Answer(
            reply=fold.reply,
            calls=[
                wire.Call(c.get("id", ""), c.get("name", ""), c["arguments"])
                for _, c in sorted(fold.calls.items())
            ],
            prompt_tokens=fold.prompt_tokens,
            completion_tokens=fold.completion_tokens,
            finish_reason=fold.finish,
        )
        return self.sent.answered(self.status, answer, error)


class _Fold:
    """Records a streamed exchange once, when the stream is closed or breaks."""

    def __init__(self, fold: _Stream, traffic: ModelTraffic) -> None:
        self.fold, self.traffic, self.closed = fold, traffic, False

    def finish(self, error: str | None) -> None:
        if not self.closed:
            self.closed = True
            self.traffic.add(self.fold.exchange(error))


class _Recorded(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, fold: _Fold) -> None:
        self.inner, self.fold = inner, fold

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self.inner:
                self.fold.fold.feed(chunk)
                yield chunk
        except Exception as exc:
            self.fold.finish(f"{type(exc).__name__}: {exc}")
            raise

    def close(self) -> None:
        self.fold.finish(None)
        self.inner.close()


class _AsyncRecorded(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, fold: _Fold) -> None:
        self.inner, self.fold = inner, fold

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.inner:
                self.fold.fold.feed(chunk)
                yield chunk
        except Exception as exc:
            self.fold.finish(f"{type(exc).__name__}: {exc}")
            raise

    async def aclose(self) -> None:
        self.fold.finish(None)
        await self.inner.aclose()


class RecordingTransport(httpx.BaseTransport):
    """`step`: the step every request of this client is made for (a framework's unit that is
    not the step the application is running, such as an agent handed the conversation)."""

    def __init__(
        self,
        traffic: ModelTraffic,
        inner: httpx.BaseTransport | None = None,
        step: str | None = None,
    ) -> None:
        self.traffic, self.inner, self.step = traffic, inner or httpx.HTTPTransport(), step

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = _Sent.of(request, self.step)
        try:
            response = self.inner.handle_request(request)
        except Exception as exc:
            self.traffic.add(sent.exchange(0, error=f"{type(exc).__name__}: {exc}"))
            raise
        if sent.streamed and response.status_code == 200:
            assert isinstance(response.stream, httpx.SyncByteStream)
            fold = _Fold(_Stream(sent, response.status_code), self.traffic)
            response.stream = _Recorded(response.stream, fold)
            return response
        content = response.read()
        self.traffic.add(_from_body(sent, response.status_code, content))
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        traffic: ModelTraffic,
        inner: httpx.AsyncBaseTransport | None = None,
        step: str | None = None,
    ):
        self.traffic, self.inner, self.step = traffic, inner or httpx.AsyncHTTPTransport(), step

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sent = _Sent.of(request, self.step)
        try:
            response = await self.inner.handle_async_request(request)
        except Exception as exc:
            self.traffic.add(sent.exchange(0, error=f"{type(exc).__name__}: {exc}"))
            raise
        if sent.streamed and response.status_code == 200:
            assert isinstance(response.stream, httpx.AsyncByteStream)
            fold = _Fold(_Stream(sent, response.status_code), self.traffic)
            response.stream = _AsyncRecorded(response.stream, fold)
            return response
        content = await response.aread()
        self.traffic.add(_from_body(sent, response.status_code, content))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
