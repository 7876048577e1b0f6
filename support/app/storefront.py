"""The storefront: the front service of the distributed scenarios. It takes an order, asks the
inventory service (another process, `worker_service.py`) to reserve the stock over HTTP with
the trace context in the request headers, then confirms the order.

The call to the inventory service is a traced step; the context is injected with the SDK's
documented client-side helper, `inject_context_into_carrier`. How that step is traced is the
variable the scenarios compare: as a decorated function (`@trace`) or as a `tracer.trace()`
block — the SDK documents both.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import httpx

if TYPE_CHECKING:
    from honeyhive import HoneyHiveTracer

SERVICE = "storefront"
TOP_STEP = "place-order"
CALL_STEP = "reserve-stock-remotely"
CONFIRM_STEP = "confirm-order"

CallStyle = Literal["function", "block"]


class InventoryFailed(RuntimeError):
    """The inventory service answered with an error."""


@dataclass
class OrderOutcome:
    order: dict[str, Any]
    status: str = "pending"
    reservation: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    headers_sent: dict[str, str] = field(default_factory=dict)
    identity: dict[str, Any] = field(default_factory=dict)


def place_order(
    tracer: HoneyHiveTracer,
    inventory_url: str,
    order: dict[str, Any],
    *,
    call_style: CallStyle = "function",
    timeout: float = 60.0,
) -> OrderOutcome:
    identity = {"name": SERVICE, "pid": os.getpid()}
    marks = {"service": identity, "scenario": {"unique_id": order["order_id"]}}
    outcome = OrderOutcome(order, identity=identity)

    def call_inventory() -> dict[str, Any]:
        from honeyhive.tracer.processing.context import inject_context_into_carrier

        tracer.enrich_span(inputs=order, metadata=marks)
        headers: dict[str, str] = {}
        inject_context_into_carrier(headers, tracer)
        outcome.headers_sent = dict(headers)
        response = httpx.post(
            f"{inventory_url}/reservations", json=order, headers=headers, timeout=timeout
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200:
            raise InventoryFailed(
                f"the inventory service answered {response.status_code}: {body.get('error')}"
            )
        tracer.enrich_span(outputs=body)
        return body

    with tracer.trace(TOP_STEP, event_type="chain"):
        tracer.enrich_span(inputs=order, metadata=marks)
        try:
            outcome.reservation = _traced_call(tracer, call_style, call_inventory)()
            outcome.status = "reserved"
        except InventoryFailed as exc:
            outcome.status, outcome.error = "rejected", str(exc)
        with tracer.trace(CONFIRM_STEP, event_type="tool"):
            tracer.enrich_span(
                inputs={"status": outcome.status}, outputs={"sent": True}, metadata=marks
            )
        tracer.enrich_span(outputs={"status": outcome.status})
    return outcome


def _traced_call(
    tracer: HoneyHiveTracer, style: CallStyle, call: Callable[[], dict[str, Any]]
) -> Callable[[], dict[str, Any]]:
    from honeyhive import trace

    if style == "function":
        traced: Callable[[], dict[str, Any]] = trace(
            event_type="tool", event_name=CALL_STEP, tracer=tracer
        )(call)
        return traced

    def in_block() -> dict[str, Any]:
        with tracer.trace(CALL_STEP, event_type="tool"):
            return call()

    return in_block
