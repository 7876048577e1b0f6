"""A Then (or a fault) combined with a When that cannot produce what it needs fails with one
plain sentence saying which kind of When it needs — never a traceback or a KeyError."""

from __future__ import annotations

from pathlib import Path

from tests.report.allure_run import run_pytest

PROBES = Path(__file__).resolve().parent / "probes" / "wrong_combinations.feature"


def test_each_impossible_combination_says_what_it_needs(tmp_path: Path) -> None:
    result = run_pytest([str(PROBES), "-q", "--no-header", "-rf"], cwd=tmp_path, timeout=600)
    out = result.stdout
    assert result.returncode == 1 and "4 failed" in out, out[-4000:]
    for says in (
        "this Then needs a When in which the assistant answers from the "
        "knowledge base; 'a user sends a request to the application' is not one",
        "this Then checks one session, but '2 users each send 1 requests to "
        "the application' traced 2",
        "never ran into the fault(s) a Given planned: the next 2 model requests answered 429",
        "sent no model request under the step 'answer'",
    ):
        assert says in out, f"missing: {says}\n{out[-4000:]}"
    assert '(after: When a user sends the request "Where is my order?")' in out, out[-4000:]
    for internal in ("KeyError", "Traceback", "NeedsAnotherWhen", "support/", ".py:"):
        assert internal not in out, f"{internal!r} shown to the reader:\n{out[-4000:]}"
