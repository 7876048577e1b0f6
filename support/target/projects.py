"""Projects (tenants) for scenarios. On the embedded backend every scenario gets fresh projects
with their own API keys, so parallel scenarios never share data. On a real backend the project
is the one behind HH_API_KEY (and HH_API_KEY_2 for a second tenant)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import pytest

from emulator.honeyhive.control_client import HoneyHiveControl
from support.ids import unique
from support.report.redaction import register_secrets
from support.target.config import Config
from support.target.runtime import Endpoints


@dataclass(frozen=True)
class Project:
    label: str
    name: str
    api_key: str = field(repr=False)
    url: str = ""
    # the embedded backend's control plane (what it received, faults); None on a real HoneyHive
    control: HoneyHiveControl | None = field(default=None, repr=False, compare=False)


class Projects:
    def __init__(self, config: Config, endpoints: Endpoints) -> None:
        self.config = config
        self.endpoints = endpoints
        self.made: dict[str, Project] = {}

    def __repr__(self) -> str:
        return f"Projects({', '.join(self.made) or 'none yet'})"

    def new(self, label: str = "main") -> Project:
        if label not in self.made:
            project = self._local(label) if self.endpoints.hh_control else self._remote(label)
            register_secrets([project.api_key])
            self.made[label] = project
        return self.made[label]

    def _local(self, label: str) -> Project:
        assert self.endpoints.hh_control is not None
        key = f"hh_local_{secrets.token_hex(16)}"
        control = self.endpoints.hh_control
        project = Project(label, unique(f"acc-{label}"), key, self.endpoints.hh_url, control)
        control.add_tenant(key, project.name)
        return project

    def _remote(self, label: str) -> Project:
        n = len(self.made)
        keys = [self.config.hh_api_key, self.config.hh_second_api_key]
        key = keys[n] if n < len(keys) else None
        if not key:
            pytest.skip(
                f"needs a HoneyHive API key for a project #{n + 1} ({label!r}): set "
                "HH_API_KEY_2 to a key of a second project to run multi-tenant scenarios"
            )
        return Project(label, f"project of API key #{n + 1}", key, self.endpoints.hh_url)

    def wrong_key(self) -> str:
        """A well-formed key that belongs to no project."""
        key = f"hh_invalid_{secrets.token_hex(12)}"
        register_secrets([key])
        return key
