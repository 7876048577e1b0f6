"""Projects (tenants): who is tracing."""

from __future__ import annotations

from pytest_bdd import given

from support.flows.tenants import LABELS
from support.target.projects import Project, Projects


@given("a project that records traces", target_fixture="project")
def a_project(projects: Projects) -> Project:
    return projects.new("main")


@given("two projects, each with its own API key", target_fixture="tenant_projects")
def two_projects(projects: Projects) -> dict[str, Project]:
    return {label: projects.new(label) for label in LABELS}
