"""Decorated applications: the ticket desk traced with `@trace`/`@trace_class` and enriched
from inside its functions; what each function recorded is kept for the Then steps."""

from __future__ import annotations

from typing import Any

from honeyhive import HoneyHiveTracer, enrich_session

from support.app.ticket_desk import EscalationRefused, TicketDesk, escalate, handle_ticket
from support.readback.fields import field
from support.sdk.tracers import Run, Tracers, traced
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

TICKET = "My parcel has not arrived and the tracking page shows no delivery date."
REASON = "customer asked for a manager"
HANDLER, CLASSIFY, ROUTE = "handle-ticket", "TicketDesk.classify", "TicketDesk.route"


def ticket_handled(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
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
        recorded: dict[str, dict[str, Any]] = {
            HANDLER: {
                "metadata.ticket_id": unique_id,
                "user_properties.user_id": user_id,
                "inputs.ticket_id": unique_id,
                "inputs.text": TICKET,
                "outputs.result.team": result["team"],
            },
            CLASSIFY: {
                "metadata.category": result["category"],
                "metrics.confidence": desk.confidence,
                "inputs.ticket": TICKET,
                "outputs.result": result["category"],
            },
            ROUTE: {
                "metadata.team": result["team"],
                "inputs.category": result["category"],
                "outputs.result": result["team"],
            },
        }
        run = Run.of(project, tracer, unique_id, list(recorded), recorded=recorded)
        run.extra["session"] = {"metadata": {"ticket_id": unique_id}, **session}
        run.ready = lambda events: any(
            field(e, "metadata.ticket_id") == unique_id and field(e, "feedback.rating") == 4
            for e in events
            if e.get("event_type") == "session"
        )
        return run

    return traced(tracers, project, "ticket", body)


def escalation_refused(tracers: Tracers, project: Project) -> Run:
    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        try:
            escalate(unique_id, REASON)
        except EscalationRefused as exc:
            error = str(exc)
        else:
            raise AssertionError("the escalation was expected to be refused")
        recorded = {"escalate": {"metadata.escalation_reason": REASON, "feedback.escalated": True}}
        return Run.of(
            project, tracer, unique_id, ["escalate"], recorded=recorded, extra={"error": error}
        )

    return traced(tracers, project, "escalation", body)
