"""Distributed tracing across two real processes: the test process is the storefront, and each
scenario starts its own inventory service (`support/app/worker_service.py`) as a subprocess
with its own tracer on the scenario's project. The checks find every step of both services
wherever the backend stored it, so a lost session shows where the steps went instead of
timing out."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from emulator.process import Service

from ..app import storefront, worker_service
from ..app.storefront import CallStyle
from ..app.worker_service import WorkerConfig
from ..backend import BackendReader, Event, is_
from ..config import Config
from ..evidence import attach_json, attach_text
from ..llm import ModelTarget
from ..polling import wait_for
from ..projects import Project
from ..runs import Run, Tracers, traced
from ..runtime import RUN_DIR
from ..sessions import delete_session
from ..stored import Stored, value
from ..teardown import Teardown

FRONT_STEPS = (storefront.TOP_STEP, storefront.CALL_STEP, storefront.CONFIRM_STEP)
WORKER_STEPS = (worker_service.TOP_STEP, worker_service.CHECK_STEP)
MODEL_STEP = "ChatCompletion"  # the worker's model call, recorded by the OpenAI instrumentation
UNKNOWN_SKU = "KET-GOLD"


@dataclass
class InventoryService:
    """A running inventory service process."""

    url: str
    pid: int
    session_id: str  # the session its tracer started for itself at start-up
    process: Service = field(repr=False)

    def log_tail(self) -> str:
        return self.process.log_tail(40)


def start_inventory_service(
    project: Project, model: ModelTarget, config: Config, teardown: Teardown, unique_id: str
) -> InventoryService:
    settings = WorkerConfig(
        hh_api_key=project.api_key,
        hh_url=project.url,
        source=config.source,
        session_name=f"{worker_service.SERVICE}-{unique_id}",
        model=model.model,
        model_url=model.base_url,
        model_key=model.api_key,
    )
    process = Service(
        name=f"inventory service {unique_id}",
        argv=["-m", "support.app.worker_service"],
        # beside, not among, the run's server logs: its warnings are the scenario's business
        log_path=RUN_DIR / "workers" / f"{unique_id}.log",
        health_path="/health",
        env=settings.environment(),
    )
    teardown.add(f"stop the inventory service of {unique_id}", process.stop)
    url = process.start(timeout=60)
    health = httpx.get(f"{url}/health", timeout=10.0).json()
    service = InventoryService(url, int(health["service"]["pid"]), health["session_id"], process)
    teardown.add(
        f"delete the inventory service's own session {service.session_id}",
        lambda: delete_session(project, service.session_id),
    )
    return service


def order_across_services(
    tracers: Tracers,
    project: Project,
    model: ModelTarget,
    config: Config,
    teardown: Teardown,
    *,
    call_style: CallStyle = "function",
    known_product: bool = True,
) -> Run:
    """The storefront takes an order and has the inventory service reserve it."""

    def body(tracer: Any, unique_id: str) -> Run:
        inventory = start_inventory_service(project, model, config, teardown, unique_id)
        order = {
            "order_id": unique_id,
            "sku": "KET-BLUE" if known_product else UNKNOWN_SKU,
            "quantity": 2,
        }
        outcome = storefront.place_order(tracer, inventory.url, order, call_style=call_style)
        attach_json("trace context the storefront sent", outcome.headers_sent)
        if outcome.error:
            attach_text("inventory service log (tail)", inventory.log_tail())
        worker_steps = list(WORKER_STEPS) + ([MODEL_STEP] if known_product else [])
        return Run.of(
            project,
            tracer,
            unique_id,
            [*FRONT_STEPS, *worker_steps],
            extra={
                "outcome": outcome,
                "inventory": inventory,
                "worker_steps": worker_steps,
                "front_pid": os.getpid(),
            },
        )

    return traced(tracers, project, "distributed", body)


# ---- what the Then steps check -----------------------------------------------------------


def marked_steps(reader: BackendReader, run: Run) -> list[Event]:
    """Every step either service marked with the scenario's id, in whatever session it was
    stored, polled until each expected (marked) step is there."""
    marked = [*FRONT_STEPS, *WORKER_STEPS]
    return wait_for(
        lambda: reader.export([is_("metadata.scenario.unique_id", run.unique_id)]),
        lambda events: set(marked) <= {e.get("event_name") for e in events},
        what=f"the steps of both services marked {run.unique_id}",
        on_done=reader.on_poll,
    )


def one_session(reader: BackendReader, run: Run) -> None:
    events = marked_steps(reader, run)
    elsewhere = {
        e.get("event_name"): e.get("session_id")
        for e in events
        if e.get("session_id") != run.session_id
    }
    inventory: InventoryService = run.extra["inventory"]
    own = (
        " (the inventory service's own session)"
        if inventory.session_id in elsewhere.values()
        else ""
    )
    sent = run.extra["outcome"].headers_sent
    assert not elsewhere, (
        f"steps stored outside the storefront's session {run.session_id}: {elsewhere}{own}; "
        f"the storefront sent the headers {sorted(sent)}, baggage {sent.get('baggage')!r}"
    )


def each_once(stored: Stored, run: Run) -> None:
    counts = Counter(stored.names())
    wrong = {n: counts.get(n, 0) for n in run.steps if counts.get(n, 0) != 1}
    assert not wrong, f"steps not stored exactly once (name: times): {wrong}; stored {dict(counts)}"


def one_tree(stored: Stored) -> None:
    """Every step hangs under the session or under another stored step of it."""
    ids = {e.get("event_id") for e in stored.events}
    orphans = {
        e.get("event_name"): e.get("parent_id")
        for e in stored.steps
        if e.get("parent_id") not in ids
    }
    assert not orphans, f"steps whose parent is not in the session (name: parent): {orphans}"


def worker_under_call(stored: Stored, run: Run) -> None:
    """The inventory service's top step hangs under the storefront's call to it, and the
    service's other steps under its top step."""
    call = stored.one(storefront.CALL_STEP)
    top = stored.one(worker_service.TOP_STEP)
    assert top.get("parent_id") == call.get("event_id"), (
        f"{worker_service.TOP_STEP} hangs under {top.get('parent_id')}, not under "
        f"{storefront.CALL_STEP} ({call.get('event_id')})"
    )
    below = sorted(str(c.get("event_name")) for c in stored.children(top))
    expected = sorted(n for n in run.extra["worker_steps"] if n != worker_service.TOP_STEP)
    assert below == expected, f"under {worker_service.TOP_STEP}: {below}, expected {expected}"


def worker_identity(stored: Stored, run: Run) -> None:
    inventory: InventoryService = run.extra["inventory"]
    front_pid = run.extra["front_pid"]
    assert inventory.pid != front_pid, "the inventory service ran in the test's own process"
    for name in WORKER_STEPS:
        step = stored.one(name)
        assert value(step, "metadata.service.name") == worker_service.SERVICE, name
        assert value(step, "metadata.service.pid") == inventory.pid, name
    for name in FRONT_STEPS:
        step = stored.one(name)
        assert value(step, "metadata.service.name") == storefront.SERVICE, name
        assert value(step, "metadata.service.pid") == front_pid, name
