"""Decorated applications: the ticket desk traced with `@trace`/`@trace_class` and enriched
from inside its functions; what each function recorded is kept for the Then steps."""

from __future__ import annotations

from typing import Any

from support.outcome import Outcome, StepOutcome
from support.readback.fields import field
from support.sdk.tracers import TracedSession, Tracers
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

TICKET = "My parcel has not arrived and the tracking page shows no delivery date."
REASON = "customer asked for a manager"
HANDLER, CLASSIFY, ROUTE = "handle-ticket", "TicketDesk.classify", "TicketDesk.route"


def ticket_handled(tracers: Tracers, project: Project, model: ModelTarget) -> Outcome:
    # the app decorates its class with the SDK's @trace_class: imported when it runs
    from honeyhive import enrich_session

    from support.app.ticket_desk import TicketDesk, handle_ticket

    with TracedSession(tracers, project, "ticket", model) as s:
        unique_id, tracer = s.unique_id, s.tracer
        user_id = f"user-{unique_id}"
        desk = TicketDesk(openai_client(model), model.model)
        result = handle_ticket(desk, unique_id, TICKET, user_id)
        enrich_session(str(tracer.session_id), metadata={"ticket_id": unique_id}, tracer=tracer)
        session: dict[str, dict[str, Any]] = {
            "feedback": {"resolved": True, "rating": 4},
            "metrics": {"steps_to_route": 2},
            "user_properties": {"user_id": user_id},
        }
        tracer.enrich_session(
            feedback=session["feedback"],
            metrics=session["metrics"],
            user_properties=session["user_properties"],
        )
        s.steps = [
            StepOutcome(
                HANDLER,
                "chain",
                recorded={
                    "metadata.ticket_id": unique_id,
                    "user_properties.user_id": user_id,
                    "inputs.ticket_id": unique_id,
                    "inputs.text": TICKET,
                    "outputs.result.team": result["team"],
                },
            ),
            StepOutcome(
                CLASSIFY,
                "tool",
                parent=HANDLER,
                recorded={
                    "metadata.category": result["category"],
                    "metrics.confidence": desk.confidence,
                    "inputs.ticket": TICKET,
                    "outputs.result": result["category"],
                },
            ),
            StepOutcome(
                ROUTE,
                "tool",
                parent=HANDLER,
                recorded={
                    "metadata.team": result["team"],
                    "inputs.category": result["category"],
                    "outputs.result": result["team"],
                },
            ),
        ]
        s.recorded = {"metadata.ticket_id": unique_id} | {
            f"{kind}.{key}": v for kind, values in session.items() for key, v in values.items()
        }
    stored_session = s.session
    stored_session.ready = lambda events: any(
        field(e, "metadata.ticket_id") == unique_id and field(e, "feedback.rating") == 4
        for e in events
        if e.get("event_type") == "session"
    )
    return s.outcome("the decorated ticket desk handles a ticket", session=stored_session)


def escalation_refused(tracers: Tracers, project: Project) -> Outcome:
    # the app decorates its class with the SDK's @trace_class: imported when it runs
    from support.app.ticket_desk import EscalationRefused, escalate

    with TracedSession(tracers, project, "escalation") as s:
        try:
            escalate(s.unique_id, REASON)
        except EscalationRefused as exc:
            error = f"{type(exc).__name__}: {exc}"
        else:
            raise AssertionError("the escalation was expected to be refused")
        s.steps = [
            StepOutcome(
                "escalate",
                "tool",
                recorded={"metadata.escalation_reason": REASON, "feedback.escalated": True},
                error=error,
            )
        ]
    return s.outcome("a decorated function enriches its step and then fails")
