"""A feature that names a framework or an instrumentor the matrix does not know is caught while
the file is collected, before any scenario runs: one sentence listing the known ones."""

from __future__ import annotations

from support.sdk.instrumentors import FRAMEWORKS, INSTRUMENTORS, check_phrase


def test_every_cell_of_the_matrix_is_a_known_pair() -> None:
    for framework in FRAMEWORKS:
        for instrumentor in ("OpenInference", "Traceloop"):
            text = f"the application is built with {framework} and traced by {instrumentor}"
            assert check_phrase(text) is None, text
    assert (
        check_phrase(
            "the application is built with the OpenAI client and traced by OpenTelemetry GenAI"
        )
        is None
    )


def test_an_unknown_framework_names_the_known_ones() -> None:
    wrong = check_phrase("the application is built with LangChian and traced by OpenInference")
    assert wrong is not None and "'LangChian'" in wrong
    assert all(name in wrong for name in FRAMEWORKS)


def test_an_unknown_instrumentor_names_the_known_ones() -> None:
    wrong = check_phrase("the application is built with LangChain and traced by Tracelop")
    assert wrong is not None and "'Tracelop'" in wrong
    assert all(name in wrong for name in INSTRUMENTORS)


def test_a_pair_nobody_publishes_says_so() -> None:
    wrong = check_phrase(
        "the application is built with LangChain and traced by OpenTelemetry GenAI"
    )
    assert wrong == "OpenTelemetry GenAI publishes no instrumentor for LangChain"


def test_other_phrases_are_not_its_business() -> None:
    assert check_phrase('a user sends the request "x"') is None
