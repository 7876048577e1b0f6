"""Schema-driven fuzzing of every route in the emulator's own OpenAPI document (schemathesis),
against a real emulator process: no input may produce a 5xx, and every 4xx answer must be
HoneyHive's error shape `{"message", "errorCode"}`."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error

from emulator.honeyhive.app import Settings, create_app

from .conftest import Fuzzed

SCHEMA = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}  # type: ignore[union-attr]


# every route with a wrong control token; the control plane again with the right one
CASES = [(label, "wrong") for label in sorted(OPERATIONS)] + [
    (label, "right") for label in sorted(OPERATIONS) if " /_control" in label
]


@pytest.mark.parametrize(("label", "control_token"), CASES)
def test_no_input_breaks_the_emulator(label: str, control_token: str, fuzzed: Fuzzed) -> None:
    operation = OPERATIONS[label]
    token = fuzzed.control_token if control_token == "right" else "wrong-token"

    @given(case=operation.as_strategy())
    @settings(
        max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def call(case: Case[Any]) -> None:
        headers: dict[str, Any] = dict(fuzzed.auth)
        if case.path.startswith("/_control"):
            headers["x-control-token"] = token
        response = case.call(base_url=fuzzed.url, headers=headers)
        case.validate_response(response, checks=[not_a_server_error])
        if 400 <= response.status_code < 500:
            body = response.json()
            assert set(body) == {"message", "errorCode"} and body["message"], body

    call()
