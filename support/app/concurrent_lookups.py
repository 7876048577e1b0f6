"""A product-comparison service that looks its products up concurrently: with asyncio tasks
(AsyncOpenAI) or with a thread pool (the request's context handed to each worker), and a chat
service that serves several users' conversations at once, one HoneyHive session per user."""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import openai
    from honeyhive import HoneyHiveTracer
    from openai.types.chat import ChatCompletionMessageParam

PRODUCTS = ("kettle", "toaster", "blender")
REQUEST = "compare-products"


@dataclass(frozen=True)
class Finding:
    product: str
    step: str
    summary: str


def _question(product: str) -> list[ChatCompletionMessageParam]:
    return [{"role": "user", "content": f"Describe a {product} in one short sentence."}]


async def _lookup_async(
    tracer: HoneyHiveTracer, client: openai.AsyncOpenAI, model: str, product: str
) -> Finding:
    step = f"lookup-{product}"
    with tracer.trace(step, event_type="tool") as span:
        span.set_attribute("product", product)
        reply = await client.chat.completions.create(
            model=model, messages=_question(product), max_tokens=8, temperature=0
        )
        summary = reply.choices[0].message.content or ""
        span.set_attribute("summary", summary)
    return Finding(product, step, summary)


async def compare_with_tasks(
    tracer: HoneyHiveTracer, client: openai.AsyncOpenAI, model: str
) -> list[Finding]:
    with tracer.trace(REQUEST, event_type="chain"):
        return list(
            await asyncio.gather(*(_lookup_async(tracer, client, model, p) for p in PRODUCTS))
        )


def _lookup_sync(
    tracer: HoneyHiveTracer, client: openai.OpenAI, model: str, product: str
) -> Finding:
    step = f"lookup-{product}"
    with tracer.trace(step, event_type="tool") as span:
        span.set_attribute("product", product)
        reply = client.chat.completions.create(
            model=model, messages=_question(product), max_tokens=8, temperature=0
        )
        summary = reply.choices[0].message.content or ""
        span.set_attribute("summary", summary)
    return Finding(product, step, summary)


def compare_with_threads(
    tracer: HoneyHiveTracer, client: openai.OpenAI, model: str
) -> list[Finding]:
    """Each worker runs in a copy of the request's context (contextvars), the way OpenTelemetry
    asks applications to hand work to threads."""
    with tracer.trace(REQUEST, event_type="chain"), ThreadPoolExecutor(len(PRODUCTS)) as pool:
        futures = [
            pool.submit(contextvars.copy_context().run, _lookup_sync, tracer, client, model, p)
            for p in PRODUCTS
        ]
        return [f.result() for f in futures]


@dataclass(frozen=True)
class Conversation:
    user: str
    session_id: str
    steps: tuple[str, ...]
    answers: tuple[str, ...]


async def converse(
    tracer: HoneyHiveTracer,
    client: openai.AsyncOpenAI,
    model: str,
    user: str,
    session_name: str,
    questions: tuple[str, ...],
) -> Conversation:
    """One user's conversation in a session of its own, on the service's one tracer."""
    with tracer.with_session(session_name, user_properties={"user": user}) as session_id:
        steps, answers = [], []
        for turn, question in enumerate(questions, start=1):
            step = f"{user}-turn-{turn}"
            with tracer.trace(step, event_type="chain") as span:
                span.set_attribute("user", user)
                reply = await client.chat.completions.create(
                    model=model,
                    messages=[{"role": "user", "content": question}],
                    max_tokens=8,
                    temperature=0,
                )
                answers.append(reply.choices[0].message.content or "")
            steps.append(step)
    return Conversation(user, str(session_id), tuple(steps), tuple(answers))


async def serve_users_at_once(
    tracer: HoneyHiveTracer,
    client: openai.AsyncOpenAI,
    model: str,
    sessions: dict[str, str],
    questions: tuple[str, ...],
) -> list[Conversation]:
    return list(
        await asyncio.gather(
            *(converse(tracer, client, model, u, name, questions) for u, name in sessions.items())
        )
    )
