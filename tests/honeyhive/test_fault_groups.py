"""Which routes an injected fault reaches: each route declares its fault group where it is
declared (`dependencies=faults(...)`), the groups are the ones the README documents, and over
real HTTP a fault of a group reaches exactly its routes (and `any` every route that has a
group), never a route of another group or one without."""

from __future__ import annotations

import re

import pytest

from emulator.honeyhive.app import RESOURCES
from emulator.honeyhive.routes.deps import FaultInjection

from .api import Emulator, Tenant, error_of

# the README's route groups; every DELETE route belongs to `delete`, the rest to none
DOCUMENTED = {
    "POST /opentelemetry/v1/traces": "otlp",
    "POST /session/start": "session",
    "POST /v1/sessions": "session",
    "POST /events": "events",
    "POST /events/batch": "events",
    "PUT /events": "events",
    "POST /v1/events/export": "read",
    "POST /v1/events/search": "read",
    "GET /v1/events/{event_id}": "read",
    "GET /session/{session_id}": "read",
    "GET /v1/sessions/{session_id}": "read",
}
GROUPS = ("otlp", "session", "events", "read", "delete")


def _declared() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for module in RESOURCES:
        for route in module.router.routes:
            groups = [
                d.dependency.group
                for d in getattr(route, "dependencies", [])
                if isinstance(d.dependency, FaultInjection)
            ]
            assert len(groups) <= 1, route
            for method in getattr(route, "methods", ()):
                found[f"{method} {getattr(route, 'path', '')}"] = groups[0] if groups else None
    return found


DECLARED = _declared()


def test_every_route_declares_the_documented_group() -> None:
    expected = {
        label: DOCUMENTED.get(label, "delete" if label.startswith("DELETE ") else None)
        for label in DECLARED
    }

    assert expected == DECLARED
    assert set(DOCUMENTED) <= set(DECLARED)


@pytest.mark.parametrize("label", sorted(DECLARED))
def test_a_fault_reaches_exactly_the_routes_of_its_group(
    label: str, emulator: Emulator, tenant: Tenant
) -> None:
    method, path = label.split(" ", 1)
    url = re.sub(r"\{[^}]+\}", "x", path)
    group = DECLARED[label]

    def call() -> int:
        body: dict[str, object] | None = {} if method in ("POST", "PUT") else None
        response = tenant.call(method, url, body)
        if response.status_code == 503:
            assert error_of(response)["errorCode"] == "INJECTED_FAULT"
        return response.status_code

    others = [g for g in GROUPS if g != group]
    emulator.control.set_faults(
        tenant.project, [{"route": g, "status": 503, "times": -1} for g in others]
    )
    assert call() != 503
    emulator.control.set_faults(tenant.project, [{"route": "any", "status": 503}])
    assert (call() == 503) == (group is not None)
    if group is not None:
        emulator.control.set_faults(tenant.project, [{"route": group, "status": 503}])
        assert call() == 503
