"""Distributed tracing: a request that crosses the storefront and the inventory service, two
real processes, and how it lands in HoneyHive."""

from __future__ import annotations

from pytest_bdd import then, when

from support.checks import delivery, structure
from support.checks import distributed as checks
from support.flows import distributed
from support.flows.distributed import CrossService
from support.outcome import Outcome
from support.readback.reader import BackendReader
from support.readback.stored import Stored
from support.sdk.tracers import Tracers
from support.target.config import Config
from support.target.model import ModelTarget
from support.target.projects import Project
from support.target.runtime import Endpoints
from support.teardown import Teardown


@when(
    "the storefront places an order that the inventory service reserves",
    target_fixture="outcome",
)
def order_reserved(
    tracers: Tracers, project: Project, model: ModelTarget, config: Config, teardown: Teardown
) -> Outcome:
    return distributed.order_across_services(tracers, project, model, config, teardown)


@when(
    "the storefront places an order that the inventory service reserves, "
    "its call to the service traced as a block of code",
    target_fixture="outcome",
)
def order_reserved_from_block(
    tracers: Tracers, project: Project, model: ModelTarget, config: Config, teardown: Teardown
) -> Outcome:
    return distributed.order_across_services(
        tracers, project, model, config, teardown, call_style="block"
    )


@when(
    "the storefront places an order for a product the inventory service has no record of",
    target_fixture="outcome",
)
def order_for_unknown_product(
    tracers: Tracers, project: Project, model: ModelTarget, config: Config, teardown: Teardown
) -> Outcome:
    return distributed.order_across_services(
        tracers, project, model, config, teardown, known_product=False
    )


@then("every step of both services is stored in the storefront's session")
def in_one_session(reader: BackendReader, outcome: Outcome) -> None:
    checks.one_session(reader, outcome.session, outcome.facet(CrossService))


@then("each step of both services is stored exactly once")
def each_once(
    stored: Stored, reader: BackendReader, outcome: Outcome, endpoints: Endpoints
) -> None:
    """Every step once, and no repeat arriving over the absence window."""
    checks.each_once(stored, outcome.session)
    delivery.nothing_extra_over_window(
        reader,
        outcome.session,
        until=delivery.window_end(outcome, endpoints.absence_window),
        what="the steps of both services",
        only_traced_names=True,
        settled=delivery.sent_and_settled(outcome),
    )


@then("the steps form one tree, the inventory service's work under the storefront's call to it")
def one_tree(stored: Stored, outcome: Outcome) -> None:
    structure.one_tree(stored)
    checks.worker_under_call(stored, outcome.facet(CrossService))


@then("every step names the service and the process that ran it")
def service_identity(stored: Stored, outcome: Outcome) -> None:
    checks.worker_identity(stored, outcome.facet(CrossService))
