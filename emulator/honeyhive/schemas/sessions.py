"""Session starts: `POST /session/start` (`{"session": {...}}`) and `POST /v1/sessions`."""

from __future__ import annotations

from .base import Obj, Open, Strict


class SessionFields(Open):
    session_name: str | None = None
    session_id: str | None = None
    event_name: str | None = None
    source: str | None = None
    project: str | None = None
    inputs: Obj | None = None
    outputs: Obj | None = None
    config: Obj | None = None
    metadata: Obj | None = None
    user_properties: Obj | None = None
    metrics: Obj | None = None
    feedback: Obj | None = None
    start_time: float | None = None
    end_time: float | None = None
    duration: float | None = None
    children_ids: list[str] | None = None


class StartSessionBody(Strict):
    session: SessionFields
