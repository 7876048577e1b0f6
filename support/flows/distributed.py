"""Distributed tracing across two real processes: the test process is the storefront, and each
scenario starts its own inventory service (`support/app/worker_service.py`) as a subprocess
with its own tracer on the scenario's project. The checks find every step of both services
wherever the backend stored it, so a lost session shows where the steps went instead of
timing out."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import httpx

from emulator.process import Service
from support.app import storefront, worker_service
from support.app.storefront import CallStyle, OrderOutcome
from support.app.worker_service import WorkerConfig
from support.outcome import Facet, Outcome, StepOutcome
from support.report.evidence import attach_json, attach_text
from support.sdk.tracers import TracedSession, Tracers
from support.target.config import Config
from support.target.model import ModelTarget
from support.target.projects import Project
from support.target.runtime import RUN_DIR
from support.target.session_removal import delete_session
from support.teardown import Teardown

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


@dataclass(frozen=True)
class CrossService(Facet):
    NEEDS = "a When in which the storefront places an order the inventory service reserves"
    order: OrderOutcome
    inventory: InventoryService
    front_pid: int
    worker_steps: tuple[str, ...]


def order_across_services(
    tracers: Tracers,
    project: Project,
    model: ModelTarget,
    config: Config,
    teardown: Teardown,
    *,
    call_style: CallStyle = "function",
    known_product: bool = True,
) -> Outcome:
    """The storefront takes an order and has the inventory service reserve it."""
    with TracedSession(tracers, project, "distributed", model) as s:
        inventory = start_inventory_service(project, model, config, teardown, s.unique_id)
        order = {
            "order_id": s.unique_id,
            "sku": "KET-BLUE" if known_product else UNKNOWN_SKU,
            "quantity": 2,
        }
        outcome = storefront.place_order(s.tracer, inventory.url, order, call_style=call_style)
        attach_json("trace context the storefront sent", outcome.headers_sent)
        if outcome.error:
            attach_text("inventory service log (tail)", inventory.log_tail())
        worker_steps = list(WORKER_STEPS) + ([MODEL_STEP] if known_product else [])
        s.steps = [
            StepOutcome(storefront.TOP_STEP, "chain"),
            StepOutcome(storefront.CALL_STEP, "tool", parent=storefront.TOP_STEP),
            StepOutcome(storefront.CONFIRM_STEP, "tool", parent=storefront.TOP_STEP),
            StepOutcome(worker_service.TOP_STEP, "chain", parent=storefront.CALL_STEP),
            StepOutcome(worker_service.CHECK_STEP, "tool", parent=worker_service.TOP_STEP),
        ] + (
            [StepOutcome(MODEL_STEP, "model", parent=worker_service.TOP_STEP)]
            if known_product
            else []
        )
    facet = CrossService(outcome, inventory, os.getpid(), tuple(worker_steps))
    return s.outcome("the storefront places an order across two services", facets=[facet])
