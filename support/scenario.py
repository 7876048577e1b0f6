"""How a scenario runs, beyond its steps (a pytest plugin): after its When, every fault a Given
planned must have been met — a fault the When never ran into fails the scenario, saying so."""

from __future__ import annotations

from typing import Any

import pytest

from support.flows.faults import Plan
from support.outcome import NeedsAnotherWhen
from support.report.known_defects import record_failed_step


@pytest.hookimpl(trylast=True)
def pytest_bdd_after_step(request: pytest.FixtureRequest, step: Any, **_: Any) -> None:
    if step.type != "when" or "plan" not in request.fixturenames:
        return
    plan = request.getfixturevalue("plan")
    assert isinstance(plan, Plan)
    unmet = plan.unmet()
    if unmet:
        error = NeedsAnotherWhen(
            f"'When {step.name}' never ran into the fault(s) a Given planned: "
            + "; ".join(unmet)
            + ". Combine the fault with a When that makes the application do that work."
        )
        record_failed_step(request.node, "when", step.name, error)
        raise error
