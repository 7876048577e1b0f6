"""Feature-table values are typed as a reader expects, and the configurable application refuses
a step it cannot run with a sentence saying what it can do."""

from __future__ import annotations

import pytest

from support.app.pipeline import (
    STEP_ACTIONS,
    AsksModel,
    AsksModelWithTool,
    CallsTool,
    Fails,
    PipelineError,
    Retrieves,
    TakesText,
    build_steps,
    parse_action,
    run_tool,
    sized_text,
)
from support.values import table_values, typed


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), ("2.5", 2.5), ("true", True), ("False", False), ('"42"', "42"), ("prod", "prod")],
)
def test_values_are_typed(text: str, value: object) -> None:
    assert typed(text) == value and type(typed(text)) is type(value)


def test_a_key_value_table_with_or_without_its_header() -> None:
    assert table_values([["key", "value"], ["app", "2.4"]]) == {"app": 2.4}
    assert table_values([["app", "2.4.1"], ["beta", "true"]]) == {"app": "2.4.1", "beta": True}
    with pytest.raises(ValueError, match=r"key \| value"):
        table_values([["a", "b", "c"]])


@pytest.mark.parametrize(
    ("phrase", "action"),
    [
        ('asks the model "Why?" and streams the answer', AsksModel("", "Why?", stream=True)),
        ("asks the model about the request", AsksModel("", None)),
        (
            'asks the model, which calls the tool "order_status"',
            AsksModelWithTool("", "order_status"),
        ),
        ('calls the tool "crm", which returns "gold"', CallsTool("", "crm", "gold")),
        ('calls the tool "crm"', CallsTool("", "crm", None)),
        ("retrieves 2 documents", Retrieves("", 2)),
        ('fails with "no stock"', Fails("", "no stock")),
    ],
)
def test_what_a_step_does_is_read_from_its_words(phrase: str, action: object) -> None:
    got = parse_action(phrase)
    assert type(got) is type(action)
    assert {k: v for k, v in vars(got).items() if k != "phrase"} == {
        k: v for k, v in vars(action).items() if k != "phrase"
    }


def test_a_sized_input_has_exactly_its_size() -> None:
    action = parse_action("takes an input of 20000 characters")
    assert isinstance(action, TakesText) and len(action.text) == 20000 == len(sized_text(20000))


def test_an_unknown_action_names_every_action_a_step_can_do() -> None:
    with pytest.raises(PipelineError) as caught:
        parse_action("sends an email")
    assert all(example in str(caught.value) for example in STEP_ACTIONS)


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        ([], "at least one step"),
        (
            [{"step": "a", "kind": "agent", "does": "takes the request"}],
            "not one of tool, model, chain",
        ),
        (
            [{"step": "a", "kind": "tool", "does": "takes the request", "under": "b"}],
            "not a step listed above",
        ),
        (
            [{"step": "a", "kind": "tool", "does": "takes the request", "colour": "red"}],
            "unknown column",
        ),
        (
            [
                {"step": "a", "kind": "tool", "does": "takes the request"},
                {"step": "a", "kind": "tool", "does": "formats the answer"},
            ],
            "listed twice",
        ),
    ],
)
def test_a_table_the_application_cannot_run_says_why(rows: list[dict[str, str]], says: str) -> None:
    with pytest.raises(PipelineError, match=says):
        build_steps(rows)


def test_a_tool_answers_with_what_the_feature_says_it_returns() -> None:
    assert run_tool("crm", {"query": "ann"}, "gold") == {
        "tool": "crm",
        "query": "ann",
        "result": "gold",
    }
    looked_up = run_tool("crm", {"query": "Where is order 1042?"}, None)
    assert looked_up["terms"] == ["1042", "order", "where"]
