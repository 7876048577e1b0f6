"""Which of the application's steps is running, for the framework apps.

A framework runs the application's steps as its own units (runnables, graph nodes, agents); the
span that is current when a unit calls the model is the framework's or its instrumentor's, named
in their words. Each framework app marks the step it is running here, so a model request seen on
the wire is attributed to the step that made it (`support/sdk/span_index.current_step`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_running: ContextVar[str | None] = ContextVar("application_step", default=None)


@contextlib.contextmanager
def running(step: str) -> Iterator[None]:
    token = _running.set(step)
    try:
        yield
    finally:
        _running.reset(token)


def current() -> str | None:
    return _running.get()
