"""What the route modules share: the operations, the caller (the tenant behind the request's
API key), and the query parameters that carry JSON text or a page number."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from ..ops.operations import Operations
from ..tenants import Tenant


def operations(request: Request) -> Operations:
    found: Operations = request.app.state.operations
    return found


Ops = Annotated[Operations, Depends(operations)]


def caller(request: Request, ops: Ops) -> Tenant:
    return ops.tenants.authenticate(request.headers.get("authorization"))


Caller = Annotated[Tenant, Depends(caller)]
JsonText = Annotated[str | None, Query(description="JSON text")]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]
