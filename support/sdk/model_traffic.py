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


def _endpoint(request: httpx.Request) -> str:
    path = request.url.path
    if path.endswith("/chat/completions"):
        return "chat.completions"
    if path.endswith("/embeddings"):
        return "embeddings"
    return path.rsplit("/v1/", 1)[-1]


@dataclass
class _Sent:
    step: str | None
    endpoint: str
    body: dict[str, Any]

    @classmethod
    def of(cls, request: httpx.Request) -> _Sent:
        try:
            body = json.loads(request.content or b"{}")
        except (ValueError, httpx.RequestNotRead):
            body = {}
        return cls(current_step(), _endpoint(request), body if isinstance(body, dict) else {})

    @property
    def streamed(self) -> bool:
        return bool(self.body.get("stream"))

    def exchange(self, status: int, **answer: Any) -> ModelExchange:
        params = {k: v for k, v in self.body.items() if k not in ("messages", "model", "input")}
        messages = self.body.get("messages")
        if messages is None and "input" in self.body:  # embeddings: the input as one message
            messages = [{"role": "user", "content": self.body["input"]}]
        return ModelExchange(
            step=self.step,
            endpoint=self.endpoint,
            model=str(self.body.get("model", "")),
            messages=tuple(messages or ()),
            params=params,
            streamed=self.streamed,
            status=status,
            **answer,
        )


def _tool_calls(raw: Any) -> tuple[ToolCall, ...]:
    calls = []
    for call in raw or ():
        function = call.get("function") or {}
        calls.append(
            ToolCall(
                str(call.get("id", "")),
                str(function.get("name")),
                str(function.get("arguments") or ""),
            )
        )
    return tuple(calls)


def _from_body(sent: _Sent, status: int, content: bytes) -> ModelExchange:
    try:
        body = json.loads(content or b"{}")
    except ValueError:
        return sent.exchange(status, error=content.decode("utf-8", "replace")[:500])
    if status != 200:
        error = (body.get("error") or {}) if isinstance(body, dict) else {}
        message = error.get("message") if isinstance(error, dict) else None
        return sent.exchange(status, error=f"{status}: {message or str(body)[:300]}")
    usage = body.get("usage") or {}
    choice = (body.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    return sent.exchange(
        status,
        reply=message.get("content"),
        tool_calls=_tool_calls(message.get("tool_calls")),
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        finish_reason=choice.get("finish_reason"),
    )


@dataclass
class _Stream:
    """Server-sent events of a streamed answer, folded as the application reads them."""

    sent: _Sent
    status: int
    buffer: bytes = b""
    text: list[str] = field(default_factory=list)
    calls: dict[int, dict[str, str]] = field(default_factory=dict)
    usage: dict[str, Any] = field(default_factory=dict)
    finish: str | None = None
    done: bool = False

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
            self.done = True
            return
        try:
            event = json.loads(data)
        except ValueError:
            return
        self.usage = event.get("usage") or self.usage
        for choice in event.get("choices") or ():
            delta = choice.get("delta") or {}
            if delta.get("content"):
                self.text.append(delta["content"])
            for call in delta.get("tool_calls") or ():
                into = self.calls.setdefault(int(call.get("index", 0)), {"arguments": ""})
                function = call.get("function") or {}
                into["id"] = call.get("id") or into.get("id", "")
                into["name"] = function.get("name") or into.get("name", "")
                into["arguments"] += function.get("arguments") or ""
            self.finish = choice.get("finish_reason") or self.finish

    def exchange(self, error: str | None) -> ModelExchange:
        if self.status != 200:
            return _from_body(self.sent, self.status, self.buffer)
        calls = tuple(
            ToolCall(c.get("id", ""), c.get("name", ""), c["arguments"])
            for _, c in sorted(self.calls.items())
        )
        if error is None and not self.done:
            error = "the stream ended before its last event"
        return self.sent.exchange(
            self.status,
            reply="".join(self.text),
            tool_calls=calls,
            prompt_tokens=self.usage.get("prompt_tokens"),
            completion_tokens=self.usage.get("completion_tokens"),
            finish_reason=self.finish,
            error=error,
        )


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
    def __init__(self, traffic: ModelTraffic, inner: httpx.BaseTransport | None = None) -> None:
        self.traffic, self.inner = traffic, inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = _Sent.of(request)
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
    def __init__(self, traffic: ModelTraffic, inner: httpx.AsyncBaseTransport | None = None):
        self.traffic, self.inner = traffic, inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sent = _Sent.of(request)
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
