"""API keys map to projects. Keys come from a JSON file `{"<api key>": "<project>"}`, the same JSON
in an environment variable, or the control plane at run time; all of them are kept in the store
so a restart keeps every tenant it knew.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BadRequest, Conflict, Unauthorized
from .ids import project_id_of

TENANTS_ENV = "HH_EMULATOR_TENANTS"
ORG_ID = "emulator-org"
WORKSPACE_ID = "emulator-workspace"


@dataclass(frozen=True)
class Tenant:
    key_hash: str
    project: str
    project_id: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "project_id", project_id_of(self.project))


def key_hash(api_key: str) -> str:
    """API keys are kept as SHA-256 hashes, in memory and on disk, as a real backend would."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def parse_tenants(text: str, source: str) -> dict[str, str]:
    """Validate tenant JSON; the error says which source is wrong and how to fix it."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f'{source}: not valid JSON ({exc}); expected {{"<api key>": "<project>"}}'
        ) from exc
    if not isinstance(doc, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str) and v for k, v in doc.items()
    ):
        raise ValueError(
            f'{source}: expected a JSON object of non-empty strings {{"<api key>": "<project>"}}'
        )
    return dict(doc)


def load_tenant_file(path: str) -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"tenants file {path}: cannot read it ({exc.strerror})") from exc
    return parse_tenants(text, f"tenants file {path}")


class Tenants:
    def __init__(self, hashed: dict[str, str]) -> None:
        """`hashed`: {API-key hash: project}, as the store keeps them."""
        self._lock = threading.Lock()
        self._by_key = {h: Tenant(h, p) for h, p in hashed.items()}

    def __len__(self) -> int:
        return len(self._by_key)

    def add(self, api_key: str, project: str) -> Tenant:
        if not api_key or not project:
            raise BadRequest("both 'api_key' and 'project' are required")
        hashed = key_hash(api_key)
        with self._lock:
            current = self._by_key.get(hashed)
            if current is not None and current.project != project:
                raise Conflict(f"this API key already belongs to project {current.project!r}")
            tenant = Tenant(hashed, project)
            self._by_key[hashed] = tenant
            return tenant

    def by_project(self, project: str) -> Tenant | None:
        return next((t for t in self._by_key.values() if t.project == project), None)

    def authenticate(self, authorization: str | None) -> Tenant:
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip() or key.strip() == "None":
            raise Unauthorized(
                "missing API key: send 'Authorization: Bearer <HoneyHive API key>' "
                "(set HH_API_KEY for the SDK)"
            )
        tenant = self._by_key.get(key_hash(key.strip()))
        if tenant is None:
            raise Unauthorized("invalid API key: no project is registered for this key")
        return tenant
