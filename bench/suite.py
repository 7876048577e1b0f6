"""The suite: wall time of `pytest features/` on the embedded default, serial and `-n 2`, split
into intrinsic work (the scenarios' own steps, model generation included) and overhead (pytest
and service start-up, fixtures, polling waits, teardown, idle workers), recorded by the
bench.suite_timing plugin; model generation time from the model server's request log.

The run happens in a scratch copy of the tree (same code, same virtualenv), so its
reports/run folder and database never touch those of anyone running the suite meanwhile.

    python -m bench.suite [--quick] [-k EXPR] [--one]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from support.target import warm

from ._emulator import workdir
from ._report import Figure, Target, quick_from_env, table

ROOT = Path(__file__).resolve().parent.parent
IGNORED = (
    ".git",
    ".venv",
    "node_modules",
    "reports",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".env",  # the embedded default is measured, whatever a developer's .env points at
)
# nor may the environment point the run elsewhere (a real HoneyHive, OpenAI)
REMOTE_SETTINGS = ("HH_API_KEY", "HH_API_URL", "HH_API_KEY_2", "OPENAI_API_KEY", "OPENAI_BASE_URL")
QUICK_SELECTION = "threestep"  # one small scenario, for the quick check
# the QA loop: one scenario of one feature file, as a QA person runs it while writing it
ONE_SCENARIO = ("features/your_application.feature", "step_by_step")
ONE_SCENARIO_RUNS = 3
NOTHING = "no_scenario_has_this_name"  # selects nothing: pytest's start-up and collection alone
# the features leave out the fuzzers' pytest plugins (the Makefile's FEATURE_ARGS)
FEATURE_ARGS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")
# the model server's access log: "2026-11-25 20:20:03,132 ... POST /v1/chat/completions 200 123.4ms"
MODEL_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .*POST /v1/(?:chat/completions|embeddings) "
    r"\d+ ([\d.]+)ms",
    re.MULTILINE,
)


def _share(run: Run, feature: str) -> tuple[float, float]:
    """The seconds the scenarios of one feature file took, beside every scenario's."""
    spent = {name: sum(phases.values()) for name, phases in run.scenarios.items()}
    return sum(v for k, v in spent.items() if feature in k), sum(spent.values())


@dataclass
class Run:
    """One `pytest features/` run, taken apart."""

    mode: str
    workers: int
    wall: float
    exit_code: int
    outcomes: dict[str, int] = field(default_factory=dict)
    startup: float = 0.0  # the local services' start (controller)
    stop: float = 0.0  # the local services' stop (controller)
    before_tests: float = 0.0  # process start → first test, beyond service start-up
    setup: float = 0.0  # fixtures (Σ over workers)
    call: float = 0.0  # scenario steps (Σ over workers), polling included
    teardown: float = 0.0  # fixture teardown (Σ over workers)
    polling: float = 0.0  # inside support.readback.polling waits, during tests (Σ over workers)
    polls: int = 0
    poll_attempts: int = 0
    model: float = 0.0  # time the model server was answering (overlaps counted once)
    model_requests: int = 0
    scenarios: dict[str, dict[str, float]] = field(default_factory=dict)  # test → phase → s
    longest_polls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def capacity(self) -> float:
        """Worker-seconds the run had: wall × workers."""
        return self.wall * self.workers

    @property
    def intrinsic(self) -> float:
        """The scenarios' own work: their steps, less the time spent waiting in polls."""
        return max(self.call - self.polling, 0.0)

    @property
    def overhead(self) -> float:
        return self.capacity - self.intrinsic

    @property
    def overhead_share(self) -> float:
        return self.overhead / self.capacity if self.capacity else float("nan")

    def breakdown(self) -> dict[str, float]:
        """Worker-seconds by kind; they add up to `capacity`."""
        waits = (self.startup + self.stop) * self.workers  # every worker waits them out
        idle = self.capacity - (waits + self.before_tests + self.setup + self.call + self.teardown)
        return {
            "service start-up (× workers)": self.startup * self.workers,
            "pytest start-up and collection": self.before_tests,
            "fixture setup": self.setup,
            "scenario steps, less polling (intrinsic)": self.intrinsic,
            "  of which the model server was answering": self.model,
            "polling waits": self.polling,
            "fixture teardown": self.teardown,
            "service stop (× workers)": self.stop * self.workers,
            "other (pytest bookkeeping, idle workers, shutdown)": idle,
        }


def copy_tree(dest: Path) -> Path:
    """The project as it is now (uncommitted work included), without the heavy or run-local
    folders."""
    target = dest / "tree"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*IGNORED, "__pycache__"))
    return target


def run_suite(
    tree: Path,
    timing: Path,
    workers: int,
    select: str | None,
    path: str = "features/",
    warm_dir: Path | None = None,
) -> Run:
    """One pytest run in `tree`: cold (its own servers, stopped at its end), or with `warm_dir`
    the warm servers kept there (support/target/warm.py: reused if fitting, left up)."""
    argv = [sys.executable, "-m", "pytest", path, "-q", "-p", "bench.suite_timing"]
    argv += ["-p", "no:cacheprovider", *FEATURE_ARGS]
    if workers > 1:
        argv += ["-n", str(workers)]
    if select:
        argv += ["-k", select]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in REMOTE_SETTINGS and not k.startswith(("ACCEPTANCE_", "PYTEST_"))
    }
    env.update({"BENCH_SUITE_TIMING_DIR": str(timing), "LLM_BACKEND": "local"})
    if warm_dir is None:
        env["ACCEPTANCE_WARM"] = "0"
    else:
        env.update({"ACCEPTANCE_WARM": "1", "ACCEPTANCE_WARM_DIR": str(warm_dir)})
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=tree, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    (timing / "pytest.out").write_text(done.stdout + done.stderr, encoding="utf-8")
    run = Run("serial" if workers == 1 else f"-n {workers}", workers, wall, done.returncode)
    _read_timing(run, timing, started_epoch=time.time() - wall)
    _read_model_log(run, tree / "reports/run/llm.log")
    return run


def _read_timing(run: Run, folder: Path, started_epoch: float) -> None:
    docs = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    if not docs:
        raise RuntimeError(f"no timing recorded in {folder}: see {folder / 'pytest.out'}")
    for doc in docs:
        for service in doc["services"]:
            if service["test"]:
                continue  # a scenario's own service (a restarted backend): part of its steps
            if service["action"] == "start":
                run.startup += service["seconds"]
            else:
                run.stop += service["seconds"]
    for doc in docs:
        for test in doc["tests"]:
            setattr(run, test["phase"], getattr(run, test["phase"]) + test["seconds"])
            name = test["test"].split("::")[-1]
            run.scenarios.setdefault(name, {})[test["phase"]] = test["seconds"]
            if test["phase"] == "call" or test["outcome"] != "passed":
                key = test["outcome"]
                run.outcomes[key] = run.outcomes.get(key, 0) + 1
        for poll in doc["polls"]:
            if poll["test"]:
                run.polling += poll["seconds"]
                run.polls += 1
                run.poll_attempts += poll["attempts"]
                name = poll["test"].split("::")[-1]
                waits = run.scenarios.setdefault(name, {})
                waits["polling"] = waits.get("polling", 0.0) + poll["seconds"]
                run.longest_polls.append({**poll, "test": name})
        if doc["tests"]:
            # this process's wait for its first test: pytest's start, collection, and (in
            # the controller, before any worker exists) the services' start-up
            first = min(t["start"] for t in doc["tests"])
            run.before_tests += max(first - started_epoch - run.startup, 0.0)
    run.longest_polls = sorted(run.longest_polls, key=lambda p: -p["seconds"])[:10]


def _read_model_log(run: Run, log: Path) -> None:
    """Time the model server spent answering: the union of its requests' intervals (requests
    that overlap count once), from its access log's end times and durations."""
    try:
        text = log.read_text(encoding="utf-8")
    except OSError:
        return
    spans = []
    for match in MODEL_LINE.finditer(text):
        end = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        spans.append((end - float(match.group(2)) / 1000, end))
    run.model_requests = len(spans)
    covered_until = float("-inf")
    for start, end in sorted(spans):
        if end > covered_until:
            run.model += end - max(start, covered_until)
            covered_until = end


def interpreter_floor() -> float:
    """Seconds for a bare Python to start and import the web stack both services stand on: the
    floor of any service start-up here."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import fastapi, uvicorn"], check=True)
    return time.perf_counter() - started


def figures(quick: bool = False, select: str | None = None) -> list[Figure]:
    select = select or (QUICK_SELECTION if quick else None)
    modes = (1,) if quick else (1, 2)
    runs: list[Run] = []
    with workdir("suite") as folder:
        tree = copy_tree(folder)
        for workers in modes:
            timing = folder / f"timing-{workers}"
            timing.mkdir()
            runs.append(run_suite(tree, timing, workers, select))
            if not runs[-1].outcomes:
                tail = (timing / "pytest.out").read_text()[-3000:]
                raise RuntimeError(f"pytest features/ ran no scenario (-k {select!r}):\n{tail}")
            failed = runs[-1].outcomes.get("failed", 0)
            if runs[-1].exit_code not in (0, 1) or failed:
                tail = (timing / "pytest.out").read_text()[-3000:]
                print(f"suite run ({runs[-1].mode}) exited {runs[-1].exit_code}:\n{tail}")
        floor = interpreter_floor()
        # the quick check runs it once each, to keep the machinery honest
        single = [] if select and not quick else one_scenario(tree, folder, 1 if quick else None)
    return _figures(runs, floor, select) + single


def _single(tree: Path, timing: Path, select: str, warm_dir: Path | None = None) -> Run:
    """One `pytest <feature> -k <scenario>` run, as a QA person starts it."""
    timing.mkdir()
    return run_suite(tree, timing, 1, select, path=ONE_SCENARIO[0], warm_dir=warm_dir)


def one_scenario(tree: Path, folder: Path, times: int | None = None) -> list[Figure]:
    """Wall time of one scenario, median of ONE_SCENARIO_RUNS, cold (`ACCEPTANCE_WARM=0`: both
    servers start and stop) and warm (the servers an earlier run left up: one run first to
    start them, not counted), each beside the same command selecting nothing (pytest, its
    plugins and collection: the floor of any run), the three interleaved."""
    select = ONE_SCENARIO[1]
    times = times or ONE_SCENARIO_RUNS
    kept = folder / "warm"
    _single(tree, folder / "warm-first", select, kept)  # leaves the servers up
    cold: list[Run] = []
    hot: list[Run] = []
    empty: list[Run] = []
    try:
        for i in range(times):
            cold.append(_single(tree, folder / f"one-{i}", select))
            hot.append(_single(tree, folder / f"warm-{i}", select, kept))
            empty.append(_single(tree, folder / f"none-{i}", NOTHING))
    finally:
        warm.stop_all(kept)
    for runs, name in ((cold, "one"), (hot, "warm")):
        if any(r.exit_code != 0 for r in runs):
            tail = (folder / f"{name}-0" / "pytest.out").read_text()[-3000:]
            raise RuntimeError(f"the single scenario did not pass:\n{tail}")
    floor = sorted(r.wall for r in empty)[len(empty) // 2]
    return [
        _one_figure("cold", cold, floor, empty, 6.0),
        _one_figure("warm servers", hot, floor, empty, 3.0),
    ]


def _one_figure(how: str, runs: list[Run], floor: float, empty: list[Run], most: float) -> Figure:
    path, select = ONE_SCENARIO
    middle = sorted(runs, key=lambda r: r.wall)[len(runs) // 2]
    parts = {
        "pytest start-up, plugins, collection (selecting nothing)": floor,
        "service start-up (emulator + model server, in parallel; 0 when reused)": middle.startup,
        "fixture setup": middle.setup,
        "the scenario's steps (the SDK's and openai's first import included)": middle.call,
        "fixture teardown": middle.teardown,
    }
    rest = middle.wall - sum(parts.values())  # service stop, tracer close, reports; ± noise
    note = "; ".join(f"{k} {v:.2f} s" for k, v in parts.items()) + f"; the rest {rest:+.2f} s"
    return Figure(
        "suite",
        f"one scenario, {how} (pytest {path} -k {select}), wall, median of {len(runs)}",
        middle.wall,
        "s",
        floor,
        "the same command selecting nothing",
        (Target("max", most),),
        note,
        {
            "runs_wall": [r.wall for r in runs],
            "nothing_wall": [r.wall for r in empty],
            "breakdown_seconds": parts,
        },
    )


def _overhead_note(run: Run) -> str:
    """The largest kinds of overhead, and the longest waits, for a figure that misses."""
    kinds = {
        k: v for k, v in run.breakdown().items() if "intrinsic" not in k and "of which" not in k
    }
    top = sorted(kinds.items(), key=lambda kv: -kv[1])[:3]
    waits = [p for p in run.longest_polls if p["seconds"] >= 1.0]
    longest = ""
    if waits:
        names = sorted({p["test"][:60] for p in waits})
        longest = (
            f"; {len(waits)} polls of ≥ 1 s took {sum(p['seconds'] for p in waits):.1f} s "
            f"({', '.join(names)})"
        )
    parts = ", ".join(f"{kind.strip()} {seconds:.1f} s" for kind, seconds in top)
    return f"overhead {run.overhead:.1f} of {run.capacity:.1f} worker-s: {parts}{longest}"


def _figures(runs: list[Run], floor: float, select: str | None) -> list[Figure]:
    serial = runs[0]
    scope = f" (-k {select!r})" if select else ""
    out = []
    for run in runs:
        detail: dict[str, Any] = {
            "wall_seconds": run.wall,
            "workers": run.workers,
            "exit_code": run.exit_code,
            "outcomes": run.outcomes,
            "breakdown_worker_seconds": run.breakdown(),
            "polls": run.polls,
            "poll_attempts": run.poll_attempts,
            "model_requests": run.model_requests,
            "slowest_scenarios": dict(
                sorted(run.scenarios.items(), key=lambda kv: -kv[1].get("call", 0.0))[:12]
            ),
            "longest_polls": run.longest_polls,
        }
        note = "" if run.exit_code in (0,) else f"pytest exited {run.exit_code}: {run.outcomes}; "
        if run is serial and run.wall > 45:
            note += (
                f"intrinsic {run.intrinsic:.1f} s (the model server answering {run.model:.1f} s) "
                f"+ overhead {run.overhead:.1f} s"
            )
        if run is serial:
            matrix, whole = _share(run, "framework_matrix.feature")
            out.append(
                Figure(
                    "suite",
                    "framework matrix scenarios, serial (setup + steps + teardown)",
                    matrix,
                    "s",
                    whole,
                    "every scenario's",
                    note="what features/framework_matrix.feature adds to make acceptance",
                )
            )
            out.append(
                Figure(
                    "suite",
                    f"pytest features/{scope}, serial, wall",
                    run.wall,
                    "s",
                    run.intrinsic,
                    "its intrinsic work",
                    (Target("max", 45.0),),
                    note,
                    detail,
                )
            )
        else:
            out.append(
                Figure(
                    "suite",
                    f"pytest features/{scope}, {run.mode}, wall",
                    run.wall,
                    "s",
                    serial.wall,
                    "serial wall",
                    note=note,
                    detail=detail,
                )
            )
        share = Figure(
            "suite",
            f"overhead share, {run.mode}",
            run.overhead_share * 100,
            "%",
            run.intrinsic / run.capacity * 100 if run.capacity else None,
            "intrinsic share",
            (Target("max", 20.0),),
            detail={"breakdown_worker_seconds": run.breakdown()},
        )
        out.append(share if share.met is not False else replace(share, note=_overhead_note(run)))
    out.append(
        Figure(
            "suite",
            "service start-up (emulator + model server)",
            serial.startup,
            "s",
            floor,
            "bare python + import fastapi, uvicorn",
            (Target("max", 3.0),),
        )
    )
    out.append(
        Figure(
            "suite",
            "model server answering, serial",
            serial.model,
            "s",
            serial.wall,
            "serial wall",
            detail={"requests": serial.model_requests},
        )
    )
    out.append(
        Figure(
            "suite",
            "polling waits, serial",
            serial.polling,
            "s",
            serial.wall,
            "serial wall",
            detail={"polls": serial.polls, "attempts": serial.poll_attempts},
        )
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suite", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one feature, serial only")
    parser.add_argument("-k", dest="select", help="pytest -k expression: part of the suite")
    parser.add_argument(
        "--one", action="store_true", help="only the one-scenario figures, cold and warm"
    )
    args = parser.parse_args(argv)
    if args.one:
        with workdir("suite") as folder:
            found = one_scenario(copy_tree(folder), folder, 1 if args.quick else None)
    else:
        found = figures(args.quick or quick_from_env(), args.select)
    print(table(found))
    for f in found:
        if "breakdown_worker_seconds" in f.detail and f.name.startswith("overhead"):
            print(f"\n{f.name}: worker-seconds")
            for kind, seconds in f.detail["breakdown_worker_seconds"].items():
                print(f"  {kind:<52}{seconds:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
