"""A server-side error during a scenario fails it: the local servers' logs are read from where
they stood when the scenario started, and any ERROR line that appeared is reported."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from support.target.runtime import service_logs


@dataclass
class LogMarks:
    offsets: dict[Path, int]

    @classmethod
    def now(cls) -> LogMarks:
        return cls({p: p.stat().st_size for p in service_logs().values() if p.exists()})

    def errors_since(self) -> list[str]:
        found = []
        for path, start in self.offsets.items():
            with path.open("rb") as log:
                log.seek(start)
                text = log.read().decode("utf-8", "replace")
            found += [
                f"{path.name}: {line}"
                for line in text.splitlines()
                if " ERROR " in line or line.startswith("Traceback")
            ]
        return found
