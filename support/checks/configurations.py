"""Then checks of configurations: the model call used exactly what the project holds, as the
feature stored it (not as the application happened to read it); a configuration fetched by id is
that one alone."""

from __future__ import annotations

from support.checks.model_calls import history_of, model_call
from support.flows.configurations import FetchedConfigurations, StoredConfiguration
from support.outcome import Outcome, SessionOutcome
from support.readback.fields import MISSING, field
from support.readback.stored import Stored


def used(stored: Stored, session: SessionOutcome, step: str, config: StoredConfiguration) -> None:
    call = model_call(stored, step)
    want: dict[str, object] = {"config.model": config.model}
    if config.temperature is not None:
        want["config.temperature"] = config.temperature
    if config.max_tokens is not None:
        want["config.max_tokens"] = config.max_tokens
    got = {k: field(call, k) for k in want}
    assert got == want, f"the model call under {step} used {got}; {config.name!r} holds {want}"
    if config.system is not None:
        sent = [m.get("content") for m in history_of(call) if m.get("role") == "system"]
        assert sent == [config.system], (
            f"the model call under {step} was sent the system prompt {sent}; "
            f"{config.name!r} holds {config.system!r}"
        )
    named = field(stored.named(step)[0], "metadata.configuration.id")
    assert named == config.config_id, (
        f"the {step!r} step records configuration {'none' if named is MISSING else named!r}, "
        f"not {config.name!r} ({config.config_id})"
    )


def fetched_alone(outcome: Outcome) -> None:
    """The configuration asked for by id, and no other. The finding's sentence ("returned N
    configuration(s)") is kept for a reply that holds the one asked for beside others; a reply
    without it (nothing, or only others) fails with a sentence of its own."""
    fetched = outcome.facet(FetchedConfigurations)
    asked = fetched.asked
    ids = [i for i, _ in fetched.got]
    assert ids, (
        f"get_configuration({asked.config_id!r}) gave back nothing at all; the project holds "
        f"{asked.stored_as!r} under that id"
    )
    assert asked.config_id in ids, (
        f"get_configuration({asked.config_id!r}) gave back {[n for _, n in fetched.got]}, "
        f"without {asked.stored_as!r}, the configuration of that id"
    )
    assert ids == [asked.config_id], (
        f"get_configuration({asked.config_id!r}) returned {len(fetched.got)} configuration(s) "
        f"{[n for _, n in fetched.got]}, not only {asked.stored_as!r}"
    )
