"""What the checks read back goes through the suite's own client of HoneyHive's public API, not
the SDK under test: no module that reads or compares stored data imports honeyhive, except where
a scenario is about the SDK's own client (and then only there), and the reader sends HoneyHive's
documented request."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import httpx

from support.readback.api_client import HoneyHiveApi, is_
from support.readback.reader import BackendReader

ROOT = Path(__file__).resolve().parents[2]
# the scenario is about the SDK's own client: get_run_metrics (run-metrics-not-raw)
ABOUT_THE_SDK = {"support/checks/experiments.py": {"honeyhive", "honeyhive.experiments"}}


def sdk_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "honeyhive"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "honeyhive":
            found.add(str(node.module))
    return found


def test_no_reader_or_check_imports_the_sdk_except_where_the_scenario_is_about_it() -> None:
    offenders = {}
    for folder in ("support/readback", "support/checks"):
        for path in sorted((ROOT / folder).glob("*.py")):
            rel = str(path.relative_to(ROOT))
            extra = sdk_imports(path) - ABOUT_THE_SDK.get(rel, set())
            if extra:
                offenders[rel] = sorted(extra)
    assert not offenders, f"reads of stored data through the SDK: {offenders}"


def test_the_reader_sends_honeyhives_export_request_and_follows_pages() -> None:
    sent: list[tuple[str, str, dict[str, object], str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append((request.method, request.url.path, body, request.headers["authorization"]))
        page = int(body["page"])
        events = [{"event_id": f"e{page}", "event_name": "step"}] if page <= 2 else []
        return httpx.Response(200, json={"events": events, "totalEvents": 2})

    api = HoneyHiveApi("http://hh.test/", "hh_key", transport=httpx.MockTransport(answer))
    events, total = api.export_page([is_("session_id", "s1")], limit=1, page=1)
    assert (events, total) == ([{"event_id": "e1", "event_name": "step"}], 2)
    assert [e["event_id"] for e in api.export([is_("session_id", "s1")], limit=1)] == ["e1", "e2"]
    method, path, body, auth = sent[0]
    assert (method, path, auth) == ("POST", "/v1/events/export", "Bearer hh_key")
    assert body == {
        "filters": [{"field": "session_id", "operator": "is", "value": "s1", "type": "string"}],
        "limit": 1,
        "page": 1,
    }


def test_a_read_the_backend_refuses_is_a_failed_read() -> None:
    api = HoneyHiveApi(
        "http://hh.test",
        "k",
        transport=httpx.MockTransport(lambda r: httpx.Response(503, json={"message": "down"})),
    )
    try:
        BackendReader(api).export([is_("session_id", "s1")])
    except AssertionError as exc:
        assert str(exc).startswith("could not read what the backend stored: ")
        assert "answered 503" in str(exc)
    else:
        raise AssertionError("a 503 read was taken for an answer")
