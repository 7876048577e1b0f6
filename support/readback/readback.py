"""What the backend holds for a scenario: one long-lived reader per project (the SDK's client,
built once) and each session of an outcome fetched once, polling until complete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from support.outcome import Outcome, SessionOutcome
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
        from honeyhive import HoneyHive

        key = (project.url, project.name)
        if key not in self._readers:
            client = HoneyHive(api_key=project.api_key, server_url=project.url)
            self._readers[key] = BackendReader(client, on_poll=self._on_poll)
        return self._readers[key]

    def session(self, session: SessionOutcome) -> Stored:
        if session.session_id not in self._sessions:
            self._sessions[session.session_id] = fetch(self.reader(session.project), session)
        return self._sessions[session.session_id]

    def sessions(self, outcome: Outcome) -> list[tuple[SessionOutcome, Stored]]:
        return [(s, self.session(s)) for s in outcome.sessions]
