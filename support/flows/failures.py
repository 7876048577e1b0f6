"""The seed's error recovery: a traced step calls HoneyHive with a key that belongs to no project;
the call fails for real and the failure is recorded on the step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from support.outcome import Facet, Outcome, StepOutcome
from support.sdk.tracers import TracedSession, Tracers
from support.target.projects import Project, Projects

if TYPE_CHECKING:
    from honeyhive._generated.api_config import HTTPException

STEP = "failing-operation"
EVENT = {"event_type": "model", "inputs": {"test": "data"}}


@dataclass(frozen=True)
class RefusedCall(Facet):
    """What the SDK raised, and what the backend itself answered to the same request."""

    NEEDS = "a When that calls HoneyHive with a key that belongs to no project"
    status: int | None  # the status the SDK's exception carries
    raised: str  # the exception as the application saw it
    backend_status: int  # what the backend answered the same request, read directly
    backend_reason: str  # the message in the backend's own reply


def _backend_answer(url: str, key: str) -> tuple[int, str]:
    """The same request, sent by plain HTTP, to read the backend's own reason for refusing."""
    response = httpx.post(
        f"{url}/events",
        json={"event": EVENT},
        headers={"Authorization": f"Bearer {key}"},
        timeout=10.0,
    )
    try:
        body = response.json()
        reason = (
            str(body.get("message") or body.get("error") or body)
            if isinstance(body, dict)
            else str(body)
        )
    except ValueError:
        reason = response.text
    return response.status_code, reason


def call_with_unknown_key(tracers: Tracers, projects: Projects, project: Project) -> Outcome:
    from honeyhive import HoneyHive
    from honeyhive._generated.api_config import HTTPException
    from honeyhive.models import PostEventRequest

    wrong_key = projects.wrong_key()
    invalid_client = HoneyHive(api_key=wrong_key, server_url=project.url)
    refused: HTTPException | None = None
    with TracedSession(tracers, project, "error-recovery") as s:
        try:
            with s.tracer.trace(STEP, event_type="tool") as span:
                span.set_attribute("operation.unique_id", s.unique_id)
                invalid_client.events.create(PostEventRequest.model_validate({"event": EVENT}))
        except HTTPException as exc:
            refused = exc
        s.steps = [StepOutcome(STEP, "tool", error=str(refused) if refused else None)]
    status, reason = _backend_answer(project.url, wrong_key)
    facet = RefusedCall(
        refused.status_code if refused is not None else None,
        repr(refused),
        status,
        reason,
    )
    return s.outcome("a traced step calls HoneyHive with a key of no project", facets=[facet])
