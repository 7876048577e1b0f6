"""Session records beyond what the SDK offers: the SDK has no delete, so removal uses the
backend's own route (`DELETE /v1/sessions/{id}`) where the backend serves it."""

from __future__ import annotations

import httpx

from support.target.projects import Project
from support.teardown import Limitation


class NotRemovable(Limitation):
    """The backend offers no way to remove a session."""


def delete_session(project: Project, session_id: str) -> None:
    response = httpx.delete(
        f"{project.url}/v1/sessions/{session_id}",
        headers={"Authorization": f"Bearer {project.api_key}"},
        timeout=10.0,
    )
    if response.status_code == 404 and "not found" in response.text.lower():
        return  # already gone
    if response.status_code in (404, 405, 501):
        raise NotRemovable(f"the backend offers no session delete ({response.status_code})")
    response.raise_for_status()
