"""Then checks of resource cleanup: what a scenario removed is gone, its tracers are stopped."""

from __future__ import annotations

import threading

from support.flows.cleanup import Removal
from support.outcome import Outcome
from support.readback.readback import Readback


def nothing_left(readback: Readback, outcome: Outcome, removal: Removal) -> None:
    """Every session is gone (polled until the backend no longer returns it)."""
    assert not removal.not_removable, "the backend could not remove these sessions: " + "; ".join(
        f"{sid}: {why}" for sid, why in removal.not_removable
    )
    assert outcome.sessions, f"'{outcome.action}' removed no session: nothing to look for"
    for session in outcome.sessions:
        readback.reader(session.project).wait_until_gone(session.session_id)


def no_new_threads(removal: Removal) -> None:
    left = sorted(
        t.name for t in threading.enumerate() if (t.ident or 0) not in removal.threads_before
    )
    assert not left, f"threads still running after the tracers were closed: {left}"
