"""A registry of what a scenario created, undone in reverse order at the end, tolerant of errors:
every undo runs even if an earlier one failed. A failure is a problem (the scenario fails in its
teardown), unless it is a `Limitation` of the backend (say, no way to delete a session), which is
noted in the report instead."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("acceptance.teardown")


class Limitation(Exception):
    """An undo the backend does not offer: noted, not a failure."""


@dataclass
class Teardown:
    _steps: list[tuple[str, Callable[[], object]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, what: str, undo: Callable[[], object]) -> None:
        self._steps.append((what, undo))

    def run(self) -> list[str]:
        """Undo everything, last first; returns the problems met (also kept in `problems`)."""
        while self._steps:
            what, undo = self._steps.pop()
            try:
                undo()
            except Limitation as exc:
                self.notes.append(f"could not {what}: {exc}")
            except Exception as exc:  # teardown must go on whatever one undo raised
                message = f"could not {what}: {type(exc).__name__}: {exc}"
                log.warning(message)
                self.problems.append(message)
        return self.problems
