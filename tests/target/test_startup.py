"""Whole runs of the suite as a user starts them (`python -m pytest` in a subprocess, in a copy of
the project, from another folder): a configuration that cannot work stops the run in seconds with
one message and exit code 4, before any scenario; a good one says what each target is, starts
only the local services the selected scenarios need (also under `-n 2`), leaves nothing where
pytest was started, and reports the scenarios a remote target cannot run as skipped with their
reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Ran, RemoteHoneyHive, free_port, run_pytest

HH_ONLY = "test_a_call_made_with_an_api_key_that_belongs_to_no_project_is_recorded_as_a_failed_step"
EMULATOR_ONLY = "test_with_the_protobuf_exporter_trace_exports_answered_with_status_503_are_retried"
TWO_TENANTS = "test_two_projects_trace_side_by_side_and_each_sees_only_its_own_data"


def one_message(ran: Ran, starts: str) -> str:
    """The run stopped with exactly one line on stderr, exit code 4 and nothing else."""
    assert ran.returncode == 4, ran.output
    assert "INTERNALERROR" not in ran.output and "Traceback" not in ran.output
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and ran.stdout.strip() == "", ran.output
    assert lines[0].startswith(f"ERROR: {starts}"), lines[0]
    assert ran.seconds < 60
    return lines[0]


@pytest.mark.parametrize(
    ("env", "starts"),
    [
        ({"HH_API_URL": "http://127.0.0.1:{port}"}, "HoneyHive is not reachable at HH_API_URL="),
        ({"HH_API_URL": "htp://127.0.0.1:{port}"}, "HH_API_URL='htp://127.0.0.1:"),
        ({"HH_API_URL": ""}, "HH_API_URL is not set but HH_API_KEY is (from environment)"),
    ],
    ids=["nothing-listens", "bad-scheme", "key-without-url"],
)
def test_a_configuration_that_cannot_work_is_one_message(
    project_copy: Path, tmp_path: Path, env: dict[str, str], starts: str
) -> None:
    port = str(free_port())
    settings = {"HH_API_KEY": "hh_some_key_1234", "OPENAI_API_KEY": "sk-test-12345678"}
    settings.update({k: v.replace("{port}", port) for k, v in env.items()})
    ran = run_pytest([str(project_copy / "features")], cwd=tmp_path / "elsewhere", env=settings)
    message = one_message(ran, starts)
    assert "hh_some_key_1234" not in ran.output and "sk-test-12345678" not in ran.output
    assert "Fix: " in message or ": set " in message or "set both" in message
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_an_unknown_key_stops_a_parallel_run_before_any_worker_starts(
    project_copy: Path, tmp_path: Path, remote_honeyhive: RemoteHoneyHive
) -> None:
    env = {"HH_API_URL": remote_honeyhive.url, "HH_API_KEY": "hh_belongs_to_nobody_42"}
    ran = run_pytest([str(project_copy / "features"), "-n", "2"], cwd=tmp_path, env=env)
    message = one_message(ran, "HoneyHive refused HH_API_KEY=[REDACTED] (23 characters, from")
    assert "answered 401" in message and "hh_belongs_to_nobody_42" not in ran.output
    assert "gw0" not in ran.output


def test_a_dotenv_that_does_not_parse_names_its_lines(
    project_copy: Path, tmp_path: Path, dotenv: Path
) -> None:
    dotenv.write_text("HH_API_KEY hh_secret_in_a_broken_line\n# fine\nLLM_MODEL=x\nwhat is this\n")
    ran = run_pytest(["-q"], cwd=project_copy / "features")
    message = one_message(ran, f"{dotenv}: lines 1, 4 do not parse")
    assert "hh_secret_in_a_broken_line" not in message


def test_the_project_dotenv_is_read_wherever_pytest_starts(
    project_copy: Path, tmp_path: Path, dotenv: Path
) -> None:
    dotenv.write_text("HH_API_KEY=hh_from_the_project_dotenv\n")
    ran = run_pytest([str(project_copy / "features")], cwd=tmp_path)
    one_message(ran, f"HH_API_URL is not set but HH_API_KEY is (from {dotenv})")


def test_a_run_from_another_folder_starts_only_what_its_scenario_needs(
    project_copy: Path, tmp_path: Path
) -> None:
    """-n 2, an OPENAI_API_KEY in the shell, one scenario that needs only the HoneyHive emulator:
    it passes on the local targets, the model server never starts, nothing is left behind."""
    elsewhere = tmp_path / "elsewhere"
    ran = run_pytest(
        [str(project_copy / "features"), "-n", "2", "-k", HH_ONLY, "--progress"],
        cwd=elsewhere,
        env={"OPENAI_API_KEY": "sk-exported-in-the-shell-0000"},
    )
    assert ran.returncode == 0, ran.output
    lines = ran.stdout.splitlines()
    assert [line.split(",")[0] for line in lines if line.startswith(("HoneyHive:", "model:"))] == [
        "HoneyHive: local",
        "model:     local",
    ]
    started = [line for line in lines if line.startswith("started:")]
    assert len(started) == 1 and "honeyhive emulator at http://127.0.0.1:" in started[0]
    assert "model server" not in started[0]
    run_dir = project_copy / "reports" / "run"
    assert (run_dir / "honeyhive.log").is_file() and not (run_dir / "llm.log").exists()
    assert not [p for p in run_dir.rglob("*.json")], "tokens and keys stay out of reports/"
    assert any(line.startswith("passed ") and "no project" in line for line in lines)
    assert "sk-exported-in-the-shell-0000" not in ran.output
    assert list(elsewhere.iterdir()) == []


def test_a_run_that_selects_nothing_starts_nothing(project_copy: Path) -> None:
    before = sorted(p.name for p in (project_copy / "features").iterdir())
    ran = run_pytest(["-k", "no_such_scenario_anywhere"], cwd=project_copy / "features")
    assert ran.returncode == 5, ran.output
    assert "started:   nothing (no selected scenario needs a local service)" in ran.stdout
    assert sorted(p.name for p in (project_copy / "features").iterdir()) == before


def test_a_remote_run_reports_the_scenarios_it_cannot_run_as_skipped(
    project_copy: Path, tmp_path: Path, remote_honeyhive: RemoteHoneyHive
) -> None:
    results = tmp_path / "allure-results"
    ran = run_pytest(
        [
            str(project_copy / "features"),
            "-n",
            "2",
            "-k",
            f"{HH_ONLY} or {EMULATOR_ONLY} or {TWO_TENANTS}",
            f"--alluredir={results}",
            "--progress",
        ],
        cwd=tmp_path,
        env={"HH_API_URL": remote_honeyhive.url, "HH_API_KEY": remote_honeyhive.api_key},
    )
    assert ran.returncode == 0, ran.output
    assert f"HoneyHive: remote, {remote_honeyhive.url} (HH_API_KEY accepted" in ran.stdout
    assert "started:   nothing" in ran.stdout
    found = {}
    for path in results.glob("*-result.json"):
        result = json.loads(path.read_text())
        labels = {label["name"]: label["value"] for label in result["labels"]}
        found[result["name"]] = (
            result["status"],
            labels.get("target"),
            (result.get("statusDetails") or {}).get("message", ""),
        )
    assert len(found) == 3, found
    assert {target for _, target, _ in found.values()} == {"remote"}
    statuses = sorted((status, message.split(":")[0]) for status, _, message in found.values())
    assert statuses == [("passed", ""), ("skipped", "Skipped"), ("skipped", "Skipped")]
    reasons = " ".join(message for _, _, message in found.values())
    assert "needs the embedded emulator's control plane" in reasons
    assert "set HH_API_KEY_2 to an API key of another project" in reasons
    assert "3 scenarios: 1 passed, 2 skipped" in ran.stdout


def test_collecting_checks_the_configuration_but_asks_no_target(
    project_copy: Path, tmp_path: Path
) -> None:
    """`--collect-only` sends nothing anywhere, so it needs no answer, only a sane setting."""
    dead = {"HH_API_URL": f"http://127.0.0.1:{free_port()}", "HH_API_KEY": "hh_some_key_1234"}
    ran = run_pytest([str(project_copy / "features"), "--co", "-q"], cwd=tmp_path, env=dead)
    assert ran.returncode == 0, ran.output
    assert "(not checked: --collect-only)" in ran.stdout and "started:" not in ran.stdout
    typo = {**dead, "HH_API_URL": "htp://127.0.0.1:9"}
    ran = run_pytest([str(project_copy / "features"), "--co", "-q"], cwd=tmp_path, env=typo)
    one_message(ran, "HH_API_URL='htp://127.0.0.1:9' (from environment) does not start with")
