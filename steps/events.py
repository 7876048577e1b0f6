"""What the backend holds: every Then reads back through the SDK's export API (polling until
the expected events are stored) and checks what was stored, never what was sent."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_bdd import parsers, then

from support import stored as st
from support.backend import BackendReader
from support.flows import Run
from support.projects import Project
from support.stored import Stored


@pytest.fixture
def stored(run: Run, readers: Callable[[Project], BackendReader]) -> Stored:
    return st.fetch(readers(run.project), run)


@then("the session is stored under a name that contains the request's id")
def session_named_after_request(stored: Stored, run: Run) -> None:
    assert run.unique_id in str(stored.session.get("event_name")), stored.session


@then("the session holds exactly these steps, in this order:")
def top_level_steps(stored: Stored, datatable: list[list[str]]) -> None:
    expected = [(row[0], row[1]) for row in datatable[1:]]
    actual = [(e.get("event_name"), e.get("event_type")) for e in stored.top_level()]
    assert actual == expected, f"top-level steps stored: {actual}"


@then("every step carries the request's id in its metadata")
def unique_id_in_metadata(stored: Stored, run: Run) -> None:
    missing = [
        n for n in run.steps if not st.holds_value(stored.one(n).get("metadata"), run.unique_id)
    ]
    assert not missing, f"steps without {run.unique_id} in metadata: {missing}"


@then("every step recorded the values the application gave it")
def recorded_values(stored: Stored, run: Run) -> None:
    for step, fields in run.recorded.items():
        for path, expected in fields.items():
            assert st.value(stored.one(step), path) == expected, f"{step} {path}"


@then("each step's output is the input of the next step")
def data_chain(stored: Stored, run: Run) -> None:
    for src, src_path, dst, dst_path in run.chain:
        produced, consumed = (
            st.value(stored.one(src), src_path),
            st.value(stored.one(dst), dst_path),
        )
        assert produced == consumed, (
            f"{src}.{src_path}={produced!r} but {dst}.{dst_path}={consumed!r}"
        )


@then("every step hangs directly under the session")
def steps_under_session(stored: Stored, run: Run) -> None:
    parents = {n: stored.one(n).get("parent_id") for n in run.steps}
    assert all(p == run.session_id for p in parents.values()), parents
    assert set(stored.session.get("children_ids") or []) >= {
        stored.one(n)["event_id"] for n in run.steps
    }


@then(parsers.parse('the "{step}" step holds the model call with its token counts'))
def model_call_under(stored: Stored, step: str, run: Run) -> None:
    calls = [e for e in stored.children(stored.one(step)) if e.get("event_type") == "model"]
    assert len(calls) == 1, f"model calls under {step}: {[c.get('event_name') for c in calls]}"
    for counter in ("metadata.prompt_tokens", "metadata.completion_tokens"):
        assert st.value(calls[0], counter) > 0, f"{counter} of the model call"
