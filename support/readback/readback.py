"""What the backend holds for a scenario: one long-lived reader per project (the suite's own API
client, `api_client.py`, built once) and each session of an outcome fetched once, polling until
complete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from support.outcome import NeedsAnotherWhen, Outcome, SessionOutcome
from support.readback.api_client import HoneyHiveApi
from support.readback.polling import Poll
from support.readback.reader import BackendReader
from support.readback.stored import Stored, fetch
from support.target.projects import Project


class Readback:
    def __init__(self, on_poll: Callable[[Poll[Any]], None] | None = None) -> None:
        self._on_poll = on_poll
        self._readers: dict[tuple[str, str], BackendReader] = {}
        self._sessions: dict[str, Stored] = {}

    def __repr__(self) -> str:
        return f"Readback({len(self._sessions)} sessions read)"

    def reader(self, project: Project) -> BackendReader:
        key = (project.url, project.name)
        if key not in self._readers:
            api = HoneyHiveApi(project.url, project.api_key)
            self._readers[key] = BackendReader(api, on_poll=self._on_poll)
        return self._readers[key]

    def session(self, session: SessionOutcome) -> Stored:
        if session.session_id not in self._sessions:
            self._sessions[session.session_id] = fetch(self.reader(session.project), session)
        return self._sessions[session.session_id]

    def sessions(self, outcome: Outcome) -> list[tuple[SessionOutcome, Stored]]:
        """Every session of the When, as stored; a When that traced none fails the Then that
        asks (a check over no session would hold of anything)."""
        if not outcome.sessions:
            raise NeedsAnotherWhen(
                f"this Then reads the sessions the When traced, but '{outcome.action}' traced "
                "none; it needs a When that runs an application in a session"
            )
        return [(s, self.session(s)) for s in outcome.sessions]

    def close(self) -> None:
        for reader in self._readers.values():
            reader.api.close()
