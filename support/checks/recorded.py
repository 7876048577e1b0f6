"""Then checks of what each step and session recorded: the values the application gave them,
their errors and sizes — compared with the application's own account of what it recorded."""

from __future__ import annotations

from typing import Any

from support.outcome import NeedsAnotherWhen, Outcome, SessionOutcome, StepOutcome
from support.readback.fields import MISSING, field
from support.readback.stored import Stored, holds_value, value


def values_as_given(stored: Stored, session: SessionOutcome) -> None:
    """Every value every step recorded is stored on that step, unchanged."""
    recorded = [s for s in session.steps if s.recorded]
    if not recorded:
        raise NeedsAnotherWhen(
            f"the application recorded no values on the steps of session {session.name}"
        )
    wrong = []
    for step in recorded:
        event = stored.of(step)
        for path, expected in step.recorded.items():
            got = field(event, path)
            if got != expected:
                bucket = path.split(".", 1)[0]
                shown = (
                    f"nothing ({bucket} holds {_short(event.get(bucket))})"
                    if got is MISSING
                    else _short(got)
                )
                wrong.append(
                    f"{step.name}: {path} stored {shown}, the app recorded {_short(expected)}"
                )
    assert not wrong, "; ".join(wrong)


def _short(v: Any, limit: int = 120) -> str:
    text = repr(v)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def traced(session: SessionOutcome) -> list[StepOutcome]:
    """The steps the application traced in the session: never none (a Then over no step would
    hold of anything)."""
    assert session.steps, (
        f"the application traced no step in session {session.name}: nothing to compare the "
        "backend with"
    )
    return session.steps


def step_failed_with(stored: Stored, session: SessionOutcome, step: str, words: str) -> None:
    """Each traced run of the step is stored once, with an error naming every one of `words`
    (split on ' and ')."""
    runs = [s for s in session.steps if s.name == step]
    assert runs, f"the application traced no step {step!r} in session {session.name}"
    for run in runs:
        error = str(stored.of(run).get("error") or "")
        missing = [w for w in words.split(" and ") if w.lower() not in error.lower()]
        assert error and not missing, (
            f"the {step!r} step is stored with the error {error or 'none'!r}; missing {missing}"
        )


def only_these_failed(stored: Stored, session: SessionOutcome, failing: list[str]) -> None:
    """The steps named failed, and no other application step did: each traced step is stored
    once (so an empty session, or a step missing, never passes for "no other failed"); the
    units a framework opened by itself fail with the step they ran and are not counted."""
    own = {s.name for s in traced(session)} - session.framework_units
    for step in session.steps:
        if not step.framework_unit:
            stored.of(step)
    unknown = sorted(set(failing) - own)
    assert not unknown, f"the application traced no step {unknown}; it traced {sorted(own)}"
    failed = sorted({str(e.get("event_name")) for e in stored.steps if e.get("error")} & own)
    assert failed == sorted(set(failing)), (
        f"steps stored as failed: {failed}; expected exactly {sorted(set(failing))}"
    )


def errors_as_raised(stored: Stored, session: SessionOutcome) -> None:
    """Every step the application saw fail is stored with the error it raised: its type and
    its message."""
    failed = [s for s in session.steps if s.error]
    if not failed:
        raise NeedsAnotherWhen(f"no step of session {session.name} failed in the application")
    for step in failed:
        error_as_raised(stored, step)


def error_as_raised(stored: Stored, step: StepOutcome) -> None:
    """The step is stored once, with the error's type and message as the application raised it
    (`Type: message`)."""
    assert step.error is not None, f"the application saw no error on {step.name!r}"
    got = str(stored.of(step).get("error") or "")
    kind, _, message = step.error.partition(": ")
    missing = [part for part in (kind, message) if part and part not in got]
    assert got and not missing, (
        f"{step.name} is stored with error {got or 'none'!r}; it raised {step.error!r} "
        f"(not stored: {missing})"
    )


def stored_whole(stored: Stored, step: StepOutcome, path: str) -> None:
    """The value at `path` of the step is stored exactly as the application gave it."""
    expected = step.recorded.get(path, MISSING)
    if expected is MISSING:
        raise NeedsAnotherWhen(f"the application recorded no {path} on the {step.name!r} step")
    got = field(stored.of(step), path)
    assert got == expected, (
        f"the {step.name!r} step's {path} is stored as {len(str(got)) if got is not MISSING else 0}"
        f" characters ({_short(got, 60)}); the application gave {len(str(expected))} characters"
    )


def carries_request_id(stored: Stored, session: SessionOutcome) -> None:
    """Each step's metadata holds the id of the request it served: the one the application
    recorded on it, or (for applications that tag every step with one id) the scenario's."""
    missing = []
    for step in traced(session):
        wanted = step.recorded.get("metadata.request.id", session.name)
        if not holds_value(stored.of(step).get("metadata"), wanted):
            missing.append(f"{step.name} (request {wanted})")
    assert not missing, f"these steps do not carry their request's id in their metadata: {missing}"


def returned_documents(stored: Stored, session: SessionOutcome, step: str, count: int) -> None:
    """The step's stored output is `count` documents, exactly those the application retrieved."""
    ran = [s for s in session.steps if s.name == step]
    if not ran:
        raise NeedsAnotherWhen(f"the application ran no step {step!r} in session {session.name}")
    for run in ran:
        retrieved = run.recorded.get("outputs.value", MISSING)
        if not isinstance(retrieved, list):
            raise NeedsAnotherWhen(
                f"the {step!r} step does not retrieve documents (it returned {_short(retrieved)})"
            )
        got = field(stored.of(run), "outputs.value")
        held = got if isinstance(got, list) else []
        assert len(held) == count and got == retrieved, (
            f"the {step!r} step is stored with {len(held)} document(s) {_titles(held)}; the "
            f"scenario expects {count}, and the application retrieved {len(retrieved)}: "
            f"{_titles(retrieved)}"
        )


def _titles(documents: list[Any]) -> list[Any]:
    return [d.get("title", d) if isinstance(d, dict) else d for d in documents]


def session_fields(stored: Stored, session: SessionOutcome, expected: dict[str, Any]) -> None:
    """The session event holds each of `expected` (field path -> value)."""
    wrong = {}
    for path, want in expected.items():
        got = field(stored.session, path)
        if got != want:
            wrong[path] = "nothing" if got is MISSING else got
    held = {
        k: stored.session.get(k) for k in ("metadata", "user_properties", "feedback", "metrics")
    }
    assert not wrong, f"session {session.name} holds {wrong}; expected {expected} (it holds {held})"


def session_recorded(stored: Stored, session: SessionOutcome, prefix: str) -> None:
    """The session holds every value of kind `prefix` (metadata, feedback, ...) the app gave it."""
    wanted = {k: v for k, v in session.recorded.items() if k.startswith(f"{prefix}.")}
    if not wanted:
        raise NeedsAnotherWhen(f"the application gave session {session.name} no {prefix}")
    session_fields(stored, session, wanted)


def sessions_named_after(
    outcome: Outcome, stored: Stored, session: SessionOutcome, text: str
) -> None:
    name = str(stored.session.get("event_name"))
    assert text in name, f"session {session.session_id} is stored as {name!r}, without {text!r}"


def unique_id_of(outcome: Outcome) -> str:
    return outcome.session.name


def value_of(stored: Stored, step: StepOutcome, path: str) -> Any:
    return value(stored.of(step), path)
