"""What the backend holds for an experiment: its results (`GET /v1/runs/{id}/result`, through
the suite's own client, not the SDK's `get_run_result`) and its sessions, each read once every
expected score is in — or the deadline passes, so the
checks then report what was missing."""

from __future__ import annotations

from dataclasses import asdict

from support.flows.experiments import APP_STEP, Experiment
from support.readback.api_client import RunResult
from support.readback.polling import WaitTimeout
from support.readback.reader import BackendReader, Event
from support.readback.stored import Stored
from support.report.evidence import attach_json, attach_text, span_tree


def results(reader: BackendReader, experiment: Experiment) -> RunResult:
    """The run's result as stored, once every datapoint and every expected score is
    in (on a timeout: the last result read, for the checks to say what is missing)."""
    expected = experiment.expected_scores()

    def complete(summary: RunResult) -> bool:
        listed = {d.datapoint_id for d in summary.datapoints}
        metrics = {m.metric_name: len(m.values) for m in summary.metrics}
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
        found: RunResult = reader.poll(
            lambda: reader.api.run_result(experiment.run_id),
            complete,
            what=f"the results of run {experiment.run_id}",
            timeout=30.0,
        )
    except WaitTimeout as exc:
        if not isinstance(exc.last, RunResult):
            raise
        found = exc.last
    attach_json(
        "the run's results (as read back)",
        {k: v for k, v in asdict(found).items() if k != "raw"} | {"as stored": found.raw},
    )
    return found


def sessions(reader: BackendReader, experiment: Experiment) -> dict[str, Stored]:
    """Each session of the run as stored, by the question its datapoint asked, once every one
    holds the app's step with its expected scores and the answer the SDK records on the session
    — one deadline for them all (on a timeout: the last state, for the checks to say what is
    missing)."""
    run = reader.poll(
        lambda: reader.api.run(experiment.run_id),
        lambda found: found is not None,
        what=f"run {experiment.run_id}",
    )
    event_ids = [str(sid) for sid in run.get("event_ids") or []]
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
        return {sid: reader.session_events(sid) for sid in event_ids}

    try:
        held = reader.poll(
            read_all,
            lambda found: all(ready(events) for events in found.values()),
            what=f"the {len(event_ids)} sessions of run {experiment.run_id} with their scores",
            timeout=30.0,
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
