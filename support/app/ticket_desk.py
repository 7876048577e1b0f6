"""A support-ticket desk instrumented the way the SDK's guides show: `@trace` on functions,
`@trace_class` on a service class, `enrich_span` inside them and `enrich_session` for the
conversation as a whole. Decorated at import time, with no tracer argument: the SDK finds the
application's tracer itself."""

from __future__ import annotations

from typing import Any

import openai
from honeyhive import enrich_span, trace, trace_class

CATEGORIES = ("billing", "delivery", "account")
TEAMS = {"billing": "finance-desk", "delivery": "logistics-desk", "account": "identity-desk"}


class EscalationRefused(RuntimeError):
    pass


def pick_category(text: str) -> tuple[str, float]:
    """The category named in the model's answer (else the ticket's words), with a confidence."""
    lowered = text.lower()
    for category in CATEGORIES:
        if category in lowered:
            return category, 0.9
    return "account", 0.4


@trace_class
class TicketDesk:
    def __init__(self, client: openai.OpenAI, model: str) -> None:
        self.client = client
        self.model = model
        self.confidence: float | None = None  # of the last classification

    def classify(self, ticket: str) -> str:
        reply = self.client.chat.completions.create(
            model=self.model,
            messages=[
                {
                    "role": "system",
                    "content": "Answer with one word: billing, delivery or account.",
                },
                {"role": "user", "content": ticket},
            ],
            max_tokens=6,
            temperature=0,
        )
        category, self.confidence = pick_category((reply.choices[0].message.content or "") + ticket)
        enrich_span(metadata={"category": category}, metrics={"confidence": self.confidence})
        return category

    def route(self, category: str) -> str:
        team = TEAMS[category]
        enrich_span(metadata={"team": team})
        return team


# the SDK types `trace(...)` as a union of decorator and wrapped function: mypy sees it untyped
@trace(event_type="tool", event_name="escalate")  # type: ignore[untyped-decorator]
def escalate(ticket_id: str, reason: str) -> str:
    enrich_span(metadata={"escalation_reason": reason}, feedback={"escalated": True})
    raise EscalationRefused(f"no supervisor on shift to take {ticket_id}")


@trace(event_type="chain", event_name="handle-ticket")  # type: ignore[untyped-decorator]
def handle_ticket(desk: TicketDesk, ticket_id: str, text: str, user_id: str) -> dict[str, Any]:
    enrich_span(metadata={"ticket_id": ticket_id}, user_properties={"user_id": user_id})
    category = desk.classify(text)
    team = desk.route(category)
    return {"ticket_id": ticket_id, "category": category, "team": team}
