"""Step definitions, one module per domain concept; each step is one or two lines over support/.

MODULES lists them for conftest.py (as pytest plugins) and for the step catalogue.
"""

MODULES = [
    "steps.projects",
    "steps.requests",
    "steps.assistant",
    "steps.tenants",
    "steps.throughput",
    "steps.cleanup",
    "steps.findings",
    "steps.faults",
    "steps.events",
    "steps.models",
    "steps.streaming",
    "steps.concurrency",
    "steps.enrichment",
    "steps.rag",
    "steps.experiments",
    "steps.agents",
    "steps.distributed",
]
