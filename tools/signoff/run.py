"""`make signoff`: both SDK runs, one report, the verdict, the exit code.

    0  GO       1  NO-GO       2  the run itself could not be made (a spec pip cannot install,
                                  no baseline to be found, the suite not starting, no results)

Writes reports/signoff/: results/<role>/ (each run's Allure results), <role>.log and
<role>-junit.xml, results/merged/ (post-processed), report/ (Allure: awesome + dashboard),
report.html and dashboard.html (the single files), verdict.md, verdict.json,
quality-gate.json, known-issues.json.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.sdk.build import BuildError, Built, ensure
from tools.sdk.spec import SpecError
from tools.signoff import matrix, releases, report
from tools.signoff.outcomes import Outcome, outcomes, read_results
from tools.signoff.postprocess import Source, env_id, merge, resolution_rules
from tools.signoff.verdict import GO, Verdict, decide, markdown, summary_line

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "reports" / "signoff"
CANNOT_RUN = 2
SDK_PLUGIN = "support.report.sdk_identity"


class CannotRun(RuntimeError):
    """The sign-off could not be made; the message says why and what to try."""


@dataclass(frozen=True)
class Run:
    role: str
    built: Built
    results: Path
    seconds: float
    reused_from: str = ""  # the stored run whose results were reused (--reuse)

    @property
    def identity(self) -> dict[str, str]:
        """What really ran, from the results' labels (support.report.sdk_identity)."""
        for result in read_results(self.results):
            labels = {lab.get("name"): lab.get("value") for lab in result.get("labels", [])}
            if labels.get("sdk"):
                return {
                    "version": str(labels["sdk"]),
                    "source": str(labels.get("sdk_source", "")),
                    "hash": str(labels.get("sdk_hash", "")),
                }
        record = self.built.record
        return {k: str(record.get(k, "")) for k in ("version", "source", "hash")}


def say(line: str) -> None:
    print(f"signoff: {line}", file=sys.stderr, flush=True)


def build(spec: str, role: str) -> Built:
    try:
        built = ensure(spec, log=say)
    except (SpecError, BuildError) as exc:
        raise CannotRun(f"the {role} SDK: {exc}") from exc
    what = "reused" if built.reused else f"built in {built.seconds:.1f} s"
    say(f"{role}: {built.record.get('source', spec)} → {built.python} ({what})")
    return built


def default_baseline(candidate: Built, *, pre: bool) -> str:
    try:
        published = releases.versions(releases.fetch(), pre=pre)
        version = str(candidate.record.get("version", "")) or None
        if candidate.record.get("source", "").startswith("pinned:"):
            version = _pinned_version(candidate)
        return str(releases.newest_other_than(version, published))
    except releases.ReleasesError as exc:
        raise CannotRun(f"no baseline given and {exc}; give one: BASELINE=<spec>") from exc


def _pinned_version(built: Built) -> str | None:
    out = subprocess.run(
        [str(built.python), "-c", "import importlib.metadata as m; print(m.version('honeyhive'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or None


# what a run's outcome depends on: the scenarios, their steps and library, the emulators, the
# wiring and the pins (not the report tooling, the project's own tests or the docs)
SUITE_PATHS = ("features", "steps", "support", "emulator", "conftest.py", "pyproject.toml")


def suite_state(root: Path = ROOT) -> str:
    """The suite's code: git tree hashes of SUITE_PATHS plus their uncommitted changes."""

    def git(*args: str) -> str:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        return out.stdout if out.returncode == 0 else ""

    digest = hashlib.sha256()
    for path in SUITE_PATHS:
        digest.update(git("rev-parse", f"HEAD:{path}").encode())
    digest.update(
        git("status", "--porcelain", "--untracked-files=all", "--", *SUITE_PATHS).encode()
    )
    digest.update(git("diff", "HEAD", "--binary", "--", *SUITE_PATHS).encode())
    return digest.hexdigest()[:12]


def run_key(built: Built, pytest_args: Sequence[str]) -> str:
    """One SDK's run of this suite: the SDK venv, the suite's code and the pytest arguments.
    Results stored under it may be reused (--reuse)."""
    args = hashlib.sha256("\0".join(pytest_args).encode()).hexdigest()[:8]
    return f"{built.venv.name}-suite-{suite_state()}-args-{args}"


def run_features(
    role: str, built: Built, out: Path, pytest_args: Sequence[str], *, reuse: bool = False
) -> Run:
    results = out / "results" / role
    if results.exists():
        shutil.rmtree(results)
    stored = out / "runs" / run_key(built, pytest_args)
    if reuse and stored.is_dir() and any(stored.glob("*-result.json")):
        shutil.copytree(stored, results)
        say(f"{role}: reusing the results of {stored.name} (same SDK, suite and arguments)")
        return Run(role, built, results, 0.0, reused_from=stored.name)
    results.mkdir(parents=True)
    command = [str(built.python), "-m", "pytest", "features/", "-p", SDK_PLUGIN]
    command += [f"--alluredir={results}", f"--junitxml={out / f'{role}-junit.xml'}"]
    command += list(pytest_args)
    say(f"{role}: {shlex.join(command)}")
    started = time.monotonic()
    with (out / f"{role}.log").open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            # a release decision never rides on servers left over from an earlier run
            env={**os.environ, "ACCEPTANCE_WARM": "0"},
        )
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            sys.stdout.write(f"[{role}] {line}")
        code = process.wait()
    seconds = time.monotonic() - started
    count = len(list(results.glob("*-result.json")))
    say(f"{role}: pytest exit {code}, {count} results in {seconds:.0f} s")
    if code not in (0, 1):
        raise CannotRun(
            f"the {role} run did not complete (pytest exit {code}): see {out / f'{role}.log'}"
        )
    if count == 0:
        raise CannotRun(f"the {role} run wrote no results: see {out / f'{role}.log'}")
    if stored.exists():
        shutil.rmtree(stored)
    shutil.copytree(results, stored)
    return Run(role, built, results, seconds)


def environment_of(run: Run) -> Source:
    """The run's Allure environment: its id follows the SDK (so each SDK keeps one trend
    whichever role it plays), its name says the role."""
    identity = run.identity
    version = identity["version"]
    kind = identity["source"].split(":", 1)[0]
    suffix = "" if kind in ("release", "pinned") else f"-{kind}-{identity['hash'][-8:]}"
    return Source(
        env_id=env_id(f"honeyhive-{version}{suffix}"),
        name=f"{run.role} · honeyhive {version}" + (f" ({kind})" if suffix else ""),
        role=run.role,
        results=run.results,
    )


def labels_missing(*sides: Mapping[str, Outcome]) -> bool:
    known = [o for side in sides for o in side.values() if o.known_defect]
    return bool(known) and not any(o.finding_status for o in known)


def target_of(results: Path) -> str:
    props = results / "environment.properties"
    if props.exists():
        for line in props.read_text(encoding="utf-8").splitlines():
            if line.startswith("honeyhive.target="):
                return line.split("=", 1)[1].strip() or "local"
    return "local"


def signoff(
    candidate_spec: str,
    baseline_spec: str = "",
    *,
    pytest_args: Sequence[str] = (),
    out: Path = OUT,
    pre: bool = False,
    reuse: bool = False,
) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("verdict.md", "verdict.json", "report.html", "dashboard.html"):
        (out / stale).unlink(missing_ok=True)
    try:
        candidate = build(candidate_spec, "candidate")
        baseline = build(baseline_spec or default_baseline(candidate, pre=pre), "baseline")
        if candidate.venv == baseline.venv:
            raise CannotRun("the candidate and the baseline are the same SDK")
        roles = (("baseline", baseline), ("candidate", candidate))
        runs = [run_features(r, b, out, pytest_args, reuse=reuse) for r, b in roles]
    except CannotRun as exc:
        say(f"cannot sign off: {exc}")
        (out / "verdict.md").write_text(f"## SDK sign-off: not made\n\n{exc}\n", encoding="utf-8")
        return CANNOT_RUN
    base_run, cand_run = runs
    verdict, files = conclude(cand_run, base_run, out)
    print(markdown(verdict, report=str(files.get("awesome", ""))))
    say(summary_line(verdict) + f" (report: {files.get('awesome', out)})")
    return verdict.exit_code


def conclude(cand_run: Run, base_run: Run, out: Path) -> tuple[Verdict, dict[str, Path]]:
    cand_out, base_out = outcomes(cand_run.results), outcomes(base_run.results)
    sources = [environment_of(base_run), environment_of(cand_run)]
    merged = out / "results" / "merged"
    known = merge(sources, merged)
    target = target_of(cand_run.results)
    job = report.Job(
        sources=sources,
        merged=merged,
        out=out / "report",
        history=ROOT / "reports" / "history" / f"signoff-{target}.jsonl",
        name="SDK sign-off",
        rules=resolution_rules(known),
        gate_environments=[sources[1].env_id],
    )
    try:
        gate = report.run(job, gate_only=True)
    except report.ReportError as exc:
        raise SystemExit(f"signoff: {exc}") from exc
    verdict = decide(
        cand_out,
        base_out,
        candidate_sdk=cand_run.identity,
        baseline_sdk=base_run.identity,
        quality_gate=gate.get(sources[1].env_id, []),
        labels_missing=labels_missing(cand_out, base_out),
    )
    for each in (cand_run, base_run):
        if each.reused_from:
            verdict.notes.append(f"{each.role}: results reused from run {each.reused_from}")
    (out / "verdict.json").write_text(verdict.as_json(), encoding="utf-8")
    (out / "verdict.md").write_text(
        markdown(verdict, report=str(out / "report.html")), encoding="utf-8"
    )
    job.name = (
        f"SDK sign-off: {verdict.decision} — candidate honeyhive {verdict.candidate['version']}"
        f" vs baseline {verdict.baseline['version']}"
    )
    job.variables = {
        "Verdict": verdict.decision,
        "Candidate": f"{verdict.candidate['version']} ({verdict.candidate['source']})",
        "Baseline": f"{verdict.baseline['version']} ({verdict.baseline['source']})",
        "Regressions": str(len(verdict.regressions)),
        "Fixed by the candidate": str(len(verdict.fixed)),
        "Findings still present": str(len(verdict.still_present)),
        "Failing otherwise": str(len(verdict.failing_otherwise)),
    }
    job.global_errors = (
        [] if verdict.decision == GO else [f"NO-GO: {reason}" for reason in verdict.reasons]
    )
    grid = matrix.write(cand_out, out)
    job.attachments = [out / "verdict.md", *([grid] if grid else [])]
    try:
        report.run(job, gate_only=False)
    except report.ReportError as exc:
        raise SystemExit(f"signoff: {exc}") from exc
    return verdict, report.publish(job, out)


def releases_report(folders: Sequence[Path], out: Path, *, history: Path | None = None) -> int:
    """One report over several SDK runs (the nightly's releases): an environment per SDK,
    Allure's quality gate per environment; exit 1 when a release fails its gate."""
    sources = []
    for folder in folders:
        identity = Run("release", Built(Path(), Path()), folder, 0.0).identity
        if not identity.get("version"):
            raise SystemExit(f"signoff: {folder} has no result labelled with its SDK (sdk=...)")
        kind = identity["source"].split(":", 1)[0]
        suffix = "" if kind in ("release", "pinned") else f"-{kind}-{identity['hash'][-8:]}"
        sources.append(
            Source(
                env_id=env_id(f"honeyhive-{identity['version']}{suffix}"),
                name=f"honeyhive {identity['version']}" + (f" ({kind})" if suffix else ""),
                role="release",
                results=folder,
            )
        )
    out.mkdir(parents=True, exist_ok=True)
    merged = out / "results"
    known = merge(sources, merged)
    names = ", ".join(s.name for s in sources)
    job = report.Job(
        sources=sources,
        merged=merged,
        out=out / "report",
        history=history or ROOT / "reports" / "history" / f"releases-{target_of(folders[0])}.jsonl",
        name=f"HoneyHive SDK releases: {names}",
        rules=resolution_rules(known),
        gate_environments=[s.env_id for s in sources],
    )
    try:
        gate = report.run(job, gate_only=False)
    except report.ReportError as exc:
        raise SystemExit(f"signoff: {exc}") from exc
    files = report.publish(job, out)
    lines = [f"## {job.name}", "", "| SDK | results | quality gate |", "|---|---|---|"]
    failed = False
    for source in sources:
        rules = gate.get(source.env_id, [])
        ok = all(r.get("success") for r in rules)
        failed |= not ok
        counts = outcomes(source.results)
        states = ", ".join(f"{n} {s}" for s, n in sorted(_tally(counts).items()) if n)
        lines.append(f"| {source.name} | {states} | {'pass' if ok else 'FAIL'} |")
    lines += ["", f"report: `{files.get('awesome', out)}`"]
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 1 if failed else 0


def _tally(found: Mapping[str, Outcome]) -> dict[str, int]:
    tally: dict[str, int] = {}
    for outcome in found.values():
        tally[outcome.state] = tally.get(outcome.state, 0) + 1
    return tally
