"""OTLP/JSON decoding has a fast path for plain exports (what the SDK sends) beside the validating
path; wherever the fast path answers, both must give the same spans, and a document it leaves
must decode (or fail) exactly as before. Mutations of the SDK's recorded export probe the edge
between the two."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from emulator.honeyhive.errors import BadRequest
from emulator.honeyhive.otlp import json_plain, json_strict
from emulator.honeyhive.otlp.decode import decode_json

SAMPLE = Path(__file__).parent.parent / "data/honeyhive/otlp_export_http_json.json"
ODD_VALUES: list[Any] = [
    None,
    "",
    "x",
    0,
    7,
    -3,
    1.5,
    True,
    [],
    {},
    [1],
    {"a": 1},
    "SPAN_KIND_SERVER",
    "STATUS_CODE_ERROR",
    "ERROR",
    "12",
    "-12",
    "²",
    "ab" * 8,
    "AB" * 16,
    "zz" * 8,
    "1" * 30,
    {"stringValue": "s"},
    {"stringValue": 5},
    {"intValue": "5"},
    {"intValue": 5},
    {"intValue": True},
    {"doubleValue": 1.0},
    {"doubleValue": 2},
    {"doubleValue": "NaN"},
    {"boolValue": 1},
    {"arrayValue": {"values": [{"stringValue": "a"}]}},
    {"kvlistValue": {"values": []}},
    {"bytesValue": "AA=="},
]
EXTRA_KEYS = ["links", "traceState", "flags", "droppedAttributesCount", "schemaUrl", "extra"]


def _outcome(doc: Any) -> tuple[str, Any]:
    try:
        return "spans", [asdict(s) for s in json_strict.decode(doc)]
    except BadRequest as exc:
        return "refused", str(exc)
    except Exception as exc:  # a crash is a 500 (test_a_non_object_item_is_a_clear_400)
        return "crashed", f"{type(exc).__name__}: {exc}"


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _mutated(base: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    paths = [p for p in _paths(doc) if p]
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(paths)
        parent: Any = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            roll = rng.random()
            if roll < 0.6:
                parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
            elif isinstance(parent, dict) and roll < 0.8:
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[rng.choice(EXTRA_KEYS)] = copy.deepcopy(rng.choice(ODD_VALUES))
        except (KeyError, IndexError, TypeError):
            pass
    return doc


def test_the_sdk_export_takes_the_fast_path_and_decodes_as_validated() -> None:
    doc = json.loads(SAMPLE.read_text())
    fast = json_plain.decode_or_none(doc)
    assert fast is not None
    assert ("spans", [asdict(s) for s in fast]) == _outcome(doc)


@pytest.mark.parametrize("seed", range(4))
def test_wherever_the_fast_path_answers_it_agrees_with_the_validating_path(seed: int) -> None:
    base = json.loads(SAMPLE.read_text())
    rng = random.Random(seed)
    answered = 0
    for _ in range(400):
        doc = _mutated(base, rng)
        fast = json_plain.decode_or_none(doc)
        if fast is not None:
            answered += 1
            assert ("spans", [asdict(s) for s in fast]) == _outcome(doc), doc
        # and the route's decoder gives what the validating path gives, fast path or not
        body = json.dumps(doc).encode()
        try:
            got: tuple[str, Any] = ("spans", [asdict(s) for s in decode_json(body)])
        except BadRequest as exc:
            got = ("refused", str(exc))
        except Exception as exc:
            got = ("crashed", f"{type(exc).__name__}: {exc}")
        assert got == _outcome(doc), doc
    assert answered > 20  # the mutations do reach the fast path


def test_a_deep_document_is_refused_whichever_path_it_takes() -> None:
    doc = json.loads(SAMPLE.read_text())
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(250):
        node["x"] = {}
        node = node["x"]
    doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["links"] = deep
    with pytest.raises(BadRequest, match="nested too deep"):
        decode_json(json.dumps(doc).encode())


@pytest.mark.parametrize(
    "doc",
    [
        {"resourceSpans": [None]},
        {"resourceSpans": [{"scopeSpans": [7]}]},
        {"resourceSpans": [{"scopeSpans": [{"spans": ["x"]}]}]},
    ],
)
def test_a_non_object_item_is_a_clear_400(doc: Any) -> None:
    outcome, detail = _outcome(doc)
    assert outcome == "refused" and "must be an object" in detail, (outcome, detail)
