"""Each Then changed for issue 24 (item 4) fails on an empty session and on an off-by-one: the
check functions themselves, over a session as the backend would store it, built here. A Then
that held of nothing, or compared with ≥ where the inputs give the exact value, passed both."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from support.checks import delivery, model_calls, rag, recorded, structure
from support.checks.configurations import fetched_alone
from support.flows.configurations import FetchedConfigurations, StoredConfiguration
from support.outcome import ModelExchange, Outcome, SessionOutcome, StepOutcome
from support.readback.readback import Readback
from support.readback.reader import Event
from support.readback.stored import Stored
from support.target.projects import Project

PROJECT = Project("main", "acc-main", "hh_local_test_key")
SID = "session-1"
_ids = itertools.count(1)


def event(name: str, kind: str = "tool", parent: str = SID, **fields: Any) -> Event:
    return {
        "event_id": f"e{next(_ids)}",
        "event_name": name,
        "event_type": kind,
        "session_id": SID,
        "parent_id": parent,
        "start_time": next(_ids),
        "end_time": next(_ids),
        **fields,
    }


def session_event() -> Event:
    return {"event_id": SID, "event_name": "s", "event_type": "session", "session_id": SID}


def stored(*events: Event) -> Stored:
    return Stored(SID, [session_event(), *events])


def outcome_of(*steps: StepOutcome, exchanges: tuple[ModelExchange, ...] = ()) -> Outcome:
    session = SessionOutcome(SID, "s", PROJECT, list(steps))
    return Outcome("a user sends a request", [session], list(exchanges))


FAILED = StepOutcome("lookup", "tool", error="LookupFailed: no order 42")
OK = StepOutcome("answer", "tool")


def fails(check: Callable[[], object], says: str) -> None:
    with pytest.raises(AssertionError) as err:
        check()
    assert says in str(err.value), str(err.value)


# ---- the "{step}" step failed with an error that mentions "{words}" -------------------------


def test_a_failed_step_check_fails_on_an_empty_session() -> None:
    session = outcome_of().sessions[0]
    fails(lambda: recorded.step_failed_with(stored(), session, "lookup", "no order"), "traced no")


def test_a_failed_step_check_fails_on_a_step_stored_twice() -> None:
    session = outcome_of(FAILED).sessions[0]
    twice = stored(event("lookup", error="no order 42"), event("lookup", error="no order 42"))
    fails(lambda: recorded.step_failed_with(twice, session, "lookup", "no order"), "found 2")


# ---- only the "{step}" step failed / no step failed -----------------------------------------


def test_no_step_failed_fails_on_an_empty_session() -> None:
    session = outcome_of().sessions[0]
    fails(lambda: recorded.only_these_failed(stored(), session, []), "traced no step")


def test_no_step_failed_fails_when_a_traced_step_is_not_stored() -> None:
    session = outcome_of(OK, FAILED).sessions[0]
    fails(lambda: recorded.only_these_failed(stored(event("answer")), session, []), "found 0")


def test_only_one_failed_fails_on_one_failure_more() -> None:
    session = outcome_of(OK, FAILED).sessions[0]
    both = stored(event("answer", error="boom"), event("lookup", error="no order 42"))
    fails(lambda: recorded.only_these_failed(both, session, ["lookup"]), "expected exactly")


# ---- every failed step is stored with the error the application raised ----------------------
# ---- the failure is recorded on that one step (its error part) ------------------------------


def test_the_error_check_fails_on_an_empty_session() -> None:
    fails(lambda: recorded.error_as_raised(stored(), FAILED), "found 0")


def test_the_error_check_looks_at_the_type_of_the_error() -> None:
    other_type = stored(event("lookup", error="KeyError: no order 42"))
    fails(lambda: recorded.error_as_raised(other_type, FAILED), "not stored: ['LookupFailed']")


def test_the_error_check_looks_at_the_message_of_the_error() -> None:
    off_by_one = stored(event("lookup", error="LookupFailed: no order 43"))
    fails(lambda: recorded.error_as_raised(off_by_one, FAILED), "no order 42")


def test_the_error_check_passes_on_the_error_as_raised() -> None:
    recorded.error_as_raised(stored(event("lookup", error="LookupFailed: no order 42")), FAILED)


# ---- every step carries the request's id in its metadata ------------------------------------


def test_the_request_id_check_fails_on_an_empty_session() -> None:
    session = outcome_of().sessions[0]
    fails(lambda: recorded.carries_request_id(stored(), session), "traced no step")


def test_the_request_id_check_fails_on_another_request_id() -> None:
    step = StepOutcome("answer", "tool", recorded={"metadata.request.id": "req-1"})
    session = outcome_of(step).sessions[0]
    off_by_one = stored(event("answer", metadata={"request": {"id": "req-2"}}))
    fails(lambda: recorded.carries_request_id(off_by_one, session), "answer (request req-1)")


# ---- the stored steps start within {seconds} seconds of each other --------------------------


def test_the_timestamp_spread_fails_on_an_empty_session() -> None:
    fails(lambda: delivery.timestamps_within(stored(), 5), "holds no step")


# ---- the "{step}" step holds {total} model calls, of which {failed} failed -------------------


def exchange(prompt: int, completion: int, endpoint: str = "chat.completions") -> ModelExchange:
    return ModelExchange(
        "draft", endpoint, "m", (), {}, False, 200, "hi",
        prompt_tokens=prompt, completion_tokens=completion,
    )  # fmt: skip


def model_call(parent: Event, prompt: int, completion: int, **fields: Any) -> Event:
    metadata = {"prompt_tokens": prompt, "completion_tokens": completion}
    return event("openai.chat", "model", str(parent["event_id"]), metadata=metadata, **fields)


def test_the_attempts_check_fails_on_an_empty_session() -> None:
    outcome = outcome_of(StepOutcome("draft", "model"), exchanges=(exchange(10, 5),))
    fails(lambda: model_calls.attempts(stored(), outcome, "draft", 1, 0), "holds no step")


def test_the_attempts_check_compares_the_token_counts_exactly() -> None:
    outcome = outcome_of(StepOutcome("draft", "model"), exchanges=(exchange(10, 5),))
    draft = event("draft")
    off_by_one = stored(draft, model_call(draft, 10, 6))
    fails(lambda: model_calls.attempts(off_by_one, outcome, "draft", 1, 0), "answered with (10, 5)")
    model_calls.attempts(stored(draft, model_call(draft, 10, 5)), outcome, "draft", 1, 0)


# ---- the embedding of the question is recorded as a model call with its token count ---------


def test_the_embedding_check_fails_on_an_empty_session() -> None:
    outcome = outcome_of(exchanges=(exchange(7, 0, "embeddings"),))
    fails(lambda: rag.embedding_is_model_call(stored(), outcome), "found 0")


def test_the_embedding_check_compares_the_token_count_exactly() -> None:
    outcome = outcome_of(exchanges=(exchange(7, 0, "embeddings"),))
    retrieval = event("retrieval")
    call = event("CreateEmbeddings", "model", str(retrieval["event_id"]))
    call["metadata"] = {"prompt_tokens": 8}
    fails(lambda: rag.embedding_is_model_call(stored(retrieval, call), outcome), "counted 7")


# ---- the backend holds every step exactly once / arrives exactly once / no extra events -----


class Reader:
    """A reader whose absence window reads what it is given."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events

    def watch_session(self, session_id: str, until: float, **_: Any) -> tuple[list[Event], bool]:
        return self.events, False


def test_the_absence_checks_fail_on_an_empty_session() -> None:
    session = outcome_of().sessions[0]
    reader: Any = Reader([session_event()])
    fails(
        lambda: delivery.nothing_extra_over_window(reader, session, until=0, what="x"),
        "traced no step",
    )
    fails(
        lambda: delivery.arrived_over_window(reader, session, None, until=0, facts=""),
        "traced no step",
    )


def test_the_absence_checks_fail_on_one_repeat_more() -> None:
    session = outcome_of(OK).sessions[0]
    reader: Any = Reader([session_event(), event("answer"), event("answer")])
    fails(
        lambda: delivery.nothing_extra_over_window(reader, session, until=0, what="x"),
        "1 more event(s)",
    )
    fails(
        lambda: delivery.arrived_over_window(reader, session, None, until=0, facts=""),
        "stored twice: ['answer']",
    )


# ---- the application gets that configuration and no other (the finding's Then) --------------

ASKED = StoredConfiguration(
    "support-answer", "support-answer-1", "c1", "gpt-4o-mini", None, None, None
)


def fetched(*got: tuple[str, str]) -> Outcome:
    return Outcome("fetch", facets=[FetchedConfigurations(ASKED, got)])


def test_the_configuration_check_fails_on_an_empty_reply_without_the_finding() -> None:
    fails(lambda: fetched_alone(fetched()), "gave back nothing at all")


def test_the_configuration_check_fails_on_one_other_without_the_finding() -> None:
    fails(lambda: fetched_alone(fetched(("c2", "billing"))), "without 'support-answer-1'")


def test_the_configuration_check_keeps_the_finding_for_one_more() -> None:
    fails(lambda: fetched_alone(fetched(("c1", "s"), ("c2", "b"))), "returned 2 configuration(s)")


# ---- the "{step}" step holds these steps / every step hangs under the step that ran it ------


def test_the_step_holds_check_fails_on_an_empty_session() -> None:
    session = outcome_of().sessions[0]
    fails(lambda: structure.step_holds(stored(), session, "a", [("b", "tool", None)]), "no step")


def test_the_step_holds_check_fails_on_the_parent_stored_once_more() -> None:
    session = outcome_of(StepOutcome("a", "chain"), StepOutcome("b", "tool", parent="a")).sessions[
        0
    ]
    first = event("a", "chain")
    twice = stored(first, event("b", parent=str(first["event_id"])), event("a", "chain"))
    fails(lambda: structure.step_holds(twice, session, "a", [("b", "tool", None)]), "2 time(s)")


def test_the_nesting_and_tree_checks_fail_on_an_empty_session() -> None:
    session = outcome_of().sessions[0]
    fails(lambda: structure.nested_as_traced(stored(), session), "traced no step")
    fails(lambda: structure.one_tree(stored()), "holds no step")


# ---- every Then over "every session" / "each user's session" ---------------------------------


def test_a_then_over_every_session_fails_on_a_when_that_traced_none() -> None:
    fails(lambda: Readback().sessions(Outcome("the application builds its client")), "none")
