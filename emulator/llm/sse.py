"""Server-sent events as OpenAI writes them, and the deliberate mid-stream cut."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

from pydantic import BaseModel

T = TypeVar("T")

DONE = b"data: [DONE]\n\n"


class StreamCut(Exception):
    """Raised inside a streaming body to drop the connection without the final chunk.

    The access-log middleware swallows it; uvicorn then closes the socket with the chunked
    body unfinished, so the client's HTTP library reports an incomplete read.
    """


def event(model: BaseModel) -> bytes:
    """One ``data:`` line holding the fields that were set on ``model``."""
    return b"data: " + model.model_dump_json(exclude_unset=True).encode() + b"\n\n"


async def primed(stream: AsyncIterator[T]) -> AsyncIterator[T]:
    """Pull the first item now (so errors surface before the HTTP status is sent)."""
    try:
        first = await anext(stream)
    except StopAsyncIteration:
        return _empty()
    return _chain(first, stream)


async def _empty() -> AsyncIterator[T]:
    return
    yield


async def _chain(first: T, rest: AsyncIterator[T]) -> AsyncIterator[T]:
    yield first
    async for item in rest:
        yield item


async def prime_all(streams: list[AsyncIterator[T]]) -> list[AsyncIterator[T]]:
    """``primed`` for several streams at once; if one fails, the others are closed."""
    results = await asyncio.gather(*(primed(s) for s in streams), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        for stream in streams:
            await _close(stream)
        raise errors[0]
    return [r for r in results if not isinstance(r, BaseException)]


async def merge(streams: list[AsyncIterator[T]]) -> AsyncIterator[T]:
    """Interleave several streams in arrival order (one per choice when n > 1)."""
    if len(streams) == 1:
        async for item in streams[0]:
            yield item
        return
    queue: asyncio.Queue[tuple[str, object]] = asyncio.Queue()

    async def pump(stream: AsyncIterator[T]) -> None:
        try:
            async for item in stream:
                await queue.put(("item", item))
        except Exception as exc:
            await queue.put(("error", exc))
        finally:
            await queue.put(("done", None))

    tasks = [asyncio.create_task(pump(s)) for s in streams]
    try:
        finished = 0
        while finished < len(tasks):
            kind, value = await queue.get()
            if kind == "done":
                finished += 1
            elif kind == "error":
                assert isinstance(value, BaseException)
                raise value
            else:
                yield value  # type: ignore[misc]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _close(stream: AsyncIterator[T]) -> None:
    closer = getattr(stream, "aclose", None)
    if closer is not None:
        result = closer()
        if isinstance(result, Awaitable):
            await result
