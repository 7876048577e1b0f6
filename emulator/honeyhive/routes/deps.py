"""What the route modules share: the operations, the caller (the tenant behind the request's
API key), the fault group a route belongs to, and the query parameters that carry JSON text or
a page number."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.params import Depends as Dependency

from ..errors import ConnectionDropped, InjectedFault
from ..faults import RouteGroup
from ..ops.operations import Operations
from ..tenants import Tenant


# async, as every dependency here: FastAPI runs a plain `def` dependency in a worker thread, a
# hand-off that cost more than the lookup itself on every request
async def operations(request: Request) -> Operations:
    found: Operations = request.app.state.operations
    return found


Ops = Annotated[Operations, Depends(operations)]


async def caller(request: Request, ops: Ops) -> Tenant:
    return ops.tenants.authenticate(request.headers.get("authorization"))


Caller = Annotated[Tenant, Depends(caller)]
JsonText = Annotated[str | None, Query(description="JSON text")]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]


class FaultInjection:
    """The dependency that makes a route part of a fault group: a fault the control plane set
    for the caller's project on that group (or `any`) applies to the request before it is
    served."""

    def __init__(self, group: RouteGroup) -> None:
        self.group = group

    async def __call__(self, request: Request, tenant: Caller, ops: Ops) -> None:
        fault = ops.control.take_fault(tenant, self.group)
        if fault is None:
            return
        if fault.action == "delay":
            await asyncio.sleep(fault.delay_ms / 1000)
        elif fault.action == "reset":
            transport = request.scope.get("emulator.transport")
            if transport is None:
                raise RuntimeError("connection reset fault: server transport not reachable")
            transport.abort()
            # wait until the server has seen the connection go: answering earlier makes uvicorn
            # log "ASGI callable returned without starting response" as an error
            while (await request.receive())["type"] != "http.disconnect":
                pass
            raise ConnectionDropped
        else:
            raise InjectedFault(fault.status, fault.retry_after)


def faults(group: RouteGroup) -> list[Dependency]:
    """`dependencies=faults("events")` on a route declares its fault group."""
    return [Depends(FaultInjection(group))]
