"""The step catalogue, generated from the step code: every phrase a feature can use, grouped by
what it does, with its parameters, what each Then needs, and an example from the features.
`python -m tools.catalogue` prints docs/steps.md (`make steps`); a test keeps it current."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from pytest_bdd.parser import FeatureParser

from steps import MODULES
from support.app.pipeline import STEP_ACTIONS
from support.gherkin.vocabulary import Phrase, domain_doc, phrases

FEATURES = Path(__file__).resolve().parent.parent / "features"

# what the phrases do, in the order a scenario is written; each group lists its step modules
GROUPS: list[tuple[str, str, list[str]]] = [
    ("Who is tracing", "The Background of nearly every scenario.", ["projects"]),
    (
        "Describe your application",
        "Your own service, step by step, and users sending it requests: the vocabulary for "
        "requirements of your own application (see the walk-through above).",
        ["applications"],
    ),
    (
        "Configure the tracer and the sessions",
        "Givens that change how the application's tracer and sessions are set up; every When "
        "follows them.",
        ["configuration"],
    ),
    (
        "Plan a fault",
        "Givens that make the backend or the model misbehave (embedded servers only: tag the "
        "scenario `@emulator_only`), and the Whens written for them. A fault the When never runs "
        "into fails the scenario after the When, saying so.",
        ["faults"],
    ),
    (
        "Run one of the suite's example applications",
        "Whens (and the Thens only they can answer) of the applications the seed's scenarios "
        "and the domain features use.",
        [
            "throughput",
            "requests",
            "assistant",
            "retrieval",
            "agents",
            "streaming",
            "concurrency",
            "enrichment",
            "distributed",
            "tenants",
            "experiments",
            "configurations",
            "cleanup",
            "findings",
        ],
    ),
    (
        "Check the sessions",
        "Thens that read the When's sessions back from the backend. They work after every When "
        "that traced a session; 'the session' needs a When with one session, 'every session' "
        "takes them all (users, tenants).",
        ["sessions"],
    ),
    (
        "Check the steps",
        "Thens about what each stored step recorded. They work after every When that traced "
        "steps, comparing with what the application itself recorded.",
        ["step_records"],
    ),
    (
        "Check the model calls",
        "Thens about the model calls the instrumentation stored under a step, compared with "
        "the requests the application really sent and the answers it really got (recorded on "
        "the wire). They need a When whose application calls the model.",
        ["model_calls"],
    ),
    (
        "Check what the framework ran",
        "Thens about the units of the framework the application is built with (a LangGraph "
        "graph and its nodes, an agent run, a tool): the tree as the framework ran it, what "
        "each tool and agent is stored with. They work after every When of the application "
        "whatever framework and instrumentor a Given chose (see 'Describe your application').",
        ["frameworks"],
    ),
    (
        "Check delivery",
        "Thens about what arrived, how often, how fast, and whether tracing got in the way.",
        ["delivery"],
    ),
]
GENERIC = {"sessions", "step_records", "model_calls", "frameworks", "delivery"}

WALKTHROUGH = """\
## Writing a requirement of your own, from scratch

Say your team ships an order-tracking assistant and needs HoneyHive to show, for every user,
each request as it ran: the order lookup, the model's answer, the reply — with the app's
version on every session, and nothing lost when three users ask at once.

1. **A file.** `features/order_tracking.feature`, starting with tags and a `Feature:` line:
   `@epic:…` (the area), `@story:…`, `@severity:blocker|critical|normal|minor|trivial`,
   `@owner:…`, then a paragraph saying what the business expects.
2. **Who traces.** `Background:` with `Given a project that records traces`.
3. **Your application**, as a table: one row per step — its name, its kind (`tool`, `model`
   or `chain`: the HoneyHive event type), what it does, and optionally the step it nests
   `under`:

   ```gherkin
   Given an application with these steps:
     | step           | kind  | does                                  | under          |
     | handle-request | chain | takes the request                     |                |
     | look-up-order  | tool  | calls the tool "order_status"         | handle-request |
     | draft-answer   | model | asks the model about the request      | handle-request |
     | format-reply   | tool  | formats the answer                    | handle-request |
   ```

   What a step can do: {actions}. A step that asks the model also holds the model call
   the SDK's instrumentation recorded (an event named after the client call, e.g.
   `ChatCompletion`); "exactly these steps" lists your own steps and leaves those out, and
   the model-call Thens (`every model call under "<step>" …`) check them.
4. **How it is configured**: `And every session carries the metadata:` with a `| key | value |`
   table (`| app_version | 2.4.1 |`), `And the tracer exports each step as soon as it ends`,
   `And the application retries a failed model call up to 3 times`, …
5. **One When**: `When 3 users each send 2 requests at the same time` (or
   `When a user sends the request "Where is order 1042?"`, or
   `When a user sends a request of 20000 characters`).
6. **Thens**, each one thing the backend must hold:

   ```gherkin
   Then every session holds exactly these steps, in this order:
     | step           | kind  | under          |
     | handle-request | chain |                |
     | look-up-order  | tool  | handle-request |
     | draft-answer   | model | handle-request |
     | format-reply   | tool  | handle-request |
   And every session is stored with the metadata:
     | app_version | 2.4.1 |
   And each user's session holds their 2 requests and nothing of another session
   And every model call under "draft-answer" holds the messages the application sent
   And every step recorded the values the application gave it
   ```

7. **Run it**: `.venv/bin/pytest features/order_tracking.feature` (or `make acceptance` for
   everything). A phrase that does not exist stops the file before anything runs, listing
   every unknown phrase with phrases of the same domain that could do the job; a Then that
   needs another kind of When says so in a sentence. A failed Then says what the backend held:
   the step, its sentence and the When it followed (`--tb=long` adds Python's traceback, for
   whoever debugs the suite itself).

Tags that change how a scenario runs: `@emulator_only` (needs the embedded backend's or model's
controls: faults, export counts; skipped with its reason against a real HoneyHive),
`@needs_second_tenant` (two projects: against a real HoneyHive it needs `HH_API_KEY_2`),
`@known_defect @issue:<id>` (the SDK departs from its documentation as the finding `<id>` in
docs/findings.md describes; the scenario may fail only in that finding's Then, with its
message).
"""


def feature_steps() -> list[tuple[str, str]]:
    """(keyword, text) of every step written in the features, And/But resolved, outlines
    rendered with their examples."""
    found = []
    for path in sorted(FEATURES.glob("*.feature")):
        feature = FeatureParser(str(FEATURES), path.name).parse()
        for template in feature.scenarios.values():
            contexts = [c for ex in template.examples for c in ex.as_contexts()] or [{}]
            for ctx in contexts:
                found += [(s.type.capitalize(), s.name) for s in template.render(ctx).steps]
    return found


def load() -> list[Phrase]:
    for module in MODULES:
        importlib.import_module(module)
    return phrases(MODULES)


def example(phrase: Phrase, used: list[tuple[str, str]]) -> str | None:
    return next((text for kw, text in used if phrase.matches(kw, text)), None)


def _needs(phrase: Phrase, by_domain: dict[str, list[Phrase]]) -> str | None:
    if phrase.keyword != "Then" or phrase.domain in GENERIC:
        return None
    whens = [p.text for p in by_domain.get(phrase.domain, []) if p.keyword == "When"]
    if not whens:
        return None
    return "needs: " + " — or — ".join(f"`When {w}`" for w in whens)


def render() -> str:
    everything, used = load(), feature_steps()
    by_domain: dict[str, list[Phrase]] = {}
    for p in everything:
        by_domain.setdefault(p.domain, []).append(p)
    out = [
        "# Step catalogue",
        "",
        "Generated from the step code by `make steps` (do not edit by hand; a test keeps it",
        "current). Every phrase below can be used in a feature file; `{name}` marks a parameter.",
        "",
        WALKTHROUGH.replace("{actions}", "; ".join(f"`{a}`" for a in STEP_ACTIONS)),
    ]
    listed = set()
    for title, blurb, domains in GROUPS:
        out += ["", f"## {title}", "", blurb]
        for domain in domains:
            if domain not in by_domain:
                continue
            listed.add(domain)
            out += ["", f"### {domain}", "", domain_doc(domain), ""]
            for p in by_domain[domain]:
                out.append(f"- **{p.keyword}** `{p.text}`")
                if p.doc:
                    out.append(f"  - {p.doc}")
                if p.params:
                    out.append(f"  - parameters: {', '.join(f'`{x}`' for x in p.params)}")
                needs = _needs(p, by_domain)
                if needs:
                    out.append(f"  - {needs}")
                sample = example(p, used)
                out.append(
                    f"  - example: `{p.keyword} {sample}`"
                    if sample
                    else "  - example: (not used yet)"
                )
    missing = sorted(set(by_domain) - listed)
    if missing:
        raise SystemExit(f"step modules without a group in tools/catalogue.py: {missing}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
