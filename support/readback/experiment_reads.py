"""What the backend holds for an experiment: its results (through the SDK's `get_run_result`)
and its sessions, each read once every expected score is in — or the deadline passes, so the
checks then report what was missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from support.flows.experiments import APP_STEP, Experiment
from support.readback.polling import WaitTimeout, wait_for
from support.readback.reader import BackendReader, Event
from support.readback.stored import Stored
from support.report.evidence import attach_json, attach_text, span_tree

if TYPE_CHECKING:
    from honeyhive.experiments.models import ExperimentResultSummary


def results(reader: BackendReader, experiment: Experiment) -> ExperimentResultSummary:
    """The run's result as the SDK reads it, once every datapoint and every expected score is
    in (on a timeout: the last result read, for the checks to say what is missing)."""
    from honeyhive._generated.api_config import HTTPException
    from honeyhive.experiments import get_run_result
    from honeyhive.experiments.models import ExperimentResultSummary

    expected = experiment.expected_scores()

    def complete(summary: ExperimentResultSummary) -> bool:
        listed = {d.datapoint_id for d in summary.datapoints}
        metrics = {m.metric_name: len(m.values) for m in summary.metrics.details}
        wanted: dict[str, int] = {}
        for scores in expected.values():
            for name in scores:
                wanted[name] = wanted.get(name, 0) + 1
        return (
            summary.status == "completed"
            and listed >= set(experiment.dataset.datapoints.values())
            and all(metrics.get(name, 0) >= n for name, n in wanted.items())
        )

    try:
        found: ExperimentResultSummary = wait_for(
            lambda: get_run_result(reader.client, experiment.run_id),
            complete,
            what=f"the results of run {experiment.run_id}",
            timeout=30.0,
            retry_on=(HTTPException,),
            on_done=reader.on_poll,
        )
    except WaitTimeout as exc:
        if not isinstance(exc.last, ExperimentResultSummary):
            raise
        found = exc.last
    attach_json("the run's results (as read back)", found.model_dump(mode="json"))
    return found


def sessions(reader: BackendReader, experiment: Experiment) -> dict[str, Stored]:
    """Each session of the run as stored, by the question its datapoint asked, once every one
    holds the app's step with its expected scores and the answer the SDK records on the session
    — one deadline for them all (on a timeout: the last state, for the checks to say what is
    missing)."""
    run = reader.client.experiments.get_run(experiment.run_id).evaluation
    expected = experiment.expected_scores()

    def question_of(events: list[Event]) -> str | None:
        session = next((e for e in events if e.get("event_type") == "session"), {})
        return experiment.dataset.question_of((session.get("metadata") or {}).get("datapoint_id"))

    def ready(events: list[Event]) -> bool:
        session = next((e for e in events if e.get("event_type") == "session"), {})
        steps = [e for e in events if e.get("event_name") == APP_STEP]
        wanted = set(expected.get(question_of(events) or "", {}))
        return bool(session.get("outputs")) and any(
            wanted <= set(s.get("metrics") or {}) for s in steps
        )

    def read_all() -> dict[str, list[Event]]:
        return {sid: reader.session_events(sid) for sid in run.event_ids}

    try:
        held = wait_for(
            read_all,
            lambda found: all(ready(events) for events in found.values()),
            what=f"the {len(run.event_ids)} sessions of run {experiment.run_id} with their scores",
            timeout=30.0,
            on_done=reader.on_poll,
        )
    except WaitTimeout as exc:
        if not isinstance(exc.last, dict):
            raise
        held = exc.last
    out: dict[str, Stored] = {}
    unlinked: list[str] = []
    for sid, events in held.items():
        question = question_of(events) if events else None
        if question is None or question in out:
            unlinked.append(sid)
            continue
        out[question] = Stored(sid, events)
    attach_text(
        "the run's sessions (as stored)",
        "\n\n".join(f"{q}\n{span_tree(s.events)}" for q, s in out.items())
        + (f"\n\nsessions linked to no datapoint (or twice): {unlinked}" if unlinked else ""),
    )
    attach_json("the run's session events (as stored)", {q: s.events for q, s in out.items()})
    return out
