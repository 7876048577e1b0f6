"""Step definitions, one module per domain concept; each step is one or two lines over support/.

MODULES lists them for conftest.py (as pytest plugins); the step catalogue (tools/catalogue.py)
and the undefined-phrase report read the same list, in this order.
"""

MODULES = [
    "steps.projects",
    "steps.applications",
    "steps.configuration",
    "steps.faults",
    "steps.throughput",
    "steps.requests",
    "steps.assistant",
    "steps.retrieval",
    "steps.agents",
    "steps.streaming",
    "steps.concurrency",
    "steps.enrichment",
    "steps.distributed",
    "steps.tenants",
    "steps.experiments",
    "steps.configurations",
    "steps.cleanup",
    "steps.findings",
    "steps.sessions",
    "steps.step_records",
    "steps.model_calls",
    "steps.frameworks",
    "steps.delivery",
]
