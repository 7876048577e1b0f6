"""What every route needs: the backend and the tenant behind the request's API key."""

from __future__ import annotations

from fastapi import Request

from ..backend import Backend, Evaluations
from ..tenants import Tenant


def backend(request: Request) -> Backend:
    found: Backend = request.app.state.backend
    return found


def tenant(request: Request) -> Tenant:
    return backend(request).tenants.authenticate(request.headers.get("authorization"))


def evaluations(request: Request) -> Evaluations:
    """Datasets, datapoints, runs and metrics (see backend.Evaluations)."""
    found: Evaluations = request.app.state.evaluations
    return found
