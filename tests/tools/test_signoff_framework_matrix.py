"""Sign-off across the framework matrix: a candidate SDK that breaks one framework only (its
exporter drops the spans of OpenInference's LangChain instrumentation) is NO-GO, and the verdict
names that framework's cell and no other — a real `python -m tools.signoff run` over the matrix
feature's failing-tool outline for LangChain and the Anthropic SDK (three cells)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.tools.seeded_sdk import DROP_LANGCHAIN_SCOPE, wheel

ROOT = Path(__file__).resolve().parents[2]


def test_a_candidate_that_breaks_one_framework_is_no_go_naming_its_cells(tmp_path: Path) -> None:
    baseline = wheel(tmp_path / "wheels", "baseline")
    candidate = wheel(tmp_path / "wheels", "seeded.langchain", DROP_LANGCHAIN_SCOPE)
    out = tmp_path / "signoff"
    selection = (
        "features/framework_matrix.feature -k 'a_tool_that_fails and (LangChain or Anthropic)'"
    )
    command = [
        sys.executable,
        "-m",
        "tools.signoff",
        "run",
        f"--candidate={candidate}",
        f"--baseline={baseline}",
        f"--pytest-args={selection}",
        f"--out={out}",
    ]
    # the candidate's reads of steps that never arrive wait a fifth of their deadline
    env = {**os.environ, "ACCEPTANCE_TIMEOUT_MULTIPLIER": "0.2", "ACCEPTANCE_WARM": "0"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    verdict = json.loads((out / "verdict.json").read_text())
    assert verdict["decision"] == "NO-GO", verdict
    named = json.dumps(verdict["regressions"])
    assert len(verdict["regressions"]) == 1, verdict["regressions"]
    assert "LangChain" in named and "OpenInference" in named, verdict["regressions"]
    assert "Anthropic" not in named, verdict["regressions"]
