"""The sign-off reads back with the suite's own client, so a candidate whose writer and reader
share one bug is NO-GO: a real `python -m tools.signoff run` of one scenario, the baseline the
installed honeyhive as a wheel, the candidate the same wheel with a seeded fault (every span
exported renamed, events.export renaming the events back — tests/tools/seeded_sdk.py). On
4fdd84a, which read through the SDK's `events.export`, the same sign-off said GO."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.tools.seeded_sdk import SHARED_RENAME, wheel

ROOT = Path(__file__).resolve().parents[2]


def test_a_writer_and_reader_sharing_one_bug_signs_off_no_go(tmp_path: Path) -> None:
    baseline = wheel(tmp_path / "wheels", "baseline")
    candidate = wheel(tmp_path / "wheels", "seeded.rename", SHARED_RENAME)
    out = tmp_path / "signoff"
    command = [
        sys.executable,
        "-m",
        "tools.signoff",
        "run",
        f"--candidate={candidate}",
        f"--baseline={baseline}",
        "--pytest-args=features/high_throughput_batching.feature -k 100-10-",
        f"--out={out}",
    ]
    # the candidate's read of a session that never completes waits a fifth of its deadline
    env = {**os.environ, "ACCEPTANCE_TIMEOUT_MULTIPLIER": "0.2"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    verdict = json.loads((out / "verdict.json").read_text())
    assert verdict["decision"] == "NO-GO", verdict
    assert len(verdict["regressions"]) == 1, verdict["regressions"]
    assert "high-throughput-span-0~" in json.dumps(verdict["regressions"]) or (
        "100 traced steps" in json.dumps(verdict["regressions"])
    ), verdict["regressions"]
