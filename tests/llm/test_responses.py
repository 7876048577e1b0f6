"""The OpenAI Responses API (``POST /v1/responses``) through the official ``openai`` client,
and an OpenAI Agents SDK agent with a function tool running against it."""

from __future__ import annotations

import json

import openai
import pytest
from openai.types.responses import (
    FunctionToolParam,
    Response,
    ResponseFunctionToolCall,
    ResponseInputParam,
    ResponseOutputMessage,
)

from emulator.llm.control_client import ModelControl
from emulator.llm.launcher import LlmServer

MODEL = "gpt-4o-mini"
QUESTION = "What is the capital of France?"
WEATHER: FunctionToolParam = {
    "type": "function",
    "name": "get_weather",
    "description": "The current weather in a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"enum": ["celsius", "fahrenheit"]}},
        "required": ["city", "unit"],
        "additionalProperties": False,
    },
    "strict": True,
}
WEATHER_ASK = "What is the weather in Paris?"


def only_call(response: Response) -> ResponseFunctionToolCall:
    assert response.status == "completed"
    (item,) = response.output
    assert isinstance(item, ResponseFunctionToolCall)
    assert item.call_id.startswith("call_") and item.id and item.id.startswith("fc_")
    return item


def test_a_response_with_instructions_and_real_usage(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    instructions = "You answer in one short sentence."
    response = client.responses.create(
        model=MODEL,
        instructions=instructions,
        input=QUESTION,
        max_output_tokens=16,
        temperature=0,
    )

    assert response.object == "response" and response.id.startswith("resp_")
    assert response.model == MODEL
    (item,) = response.output
    assert isinstance(item, ResponseOutputMessage) and item.role == "assistant"
    assert response.output_text
    assert response.usage is not None
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens
    chat = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": instructions},
            {"role": "user", "content": QUESTION},
        ],
        max_tokens=1,
    )
    assert chat.usage is not None
    assert response.usage.input_tokens == chat.usage.prompt_tokens
    if response.status == "incomplete":
        assert response.incomplete_details is not None
        assert response.incomplete_details.reason == "max_output_tokens"
        assert response.usage.output_tokens == 16
    first = control.requests(api_key)[0]
    assert first["path"] == "/v1/responses"
    assert first["completion_tokens"] == response.usage.output_tokens


def test_a_streamed_response_sends_the_typed_events(client: openai.OpenAI) -> None:
    events = list(
        client.responses.create(
            model=MODEL, input=QUESTION, max_output_tokens=16, temperature=0, stream=True
        )
    )

    kinds = [e.type for e in events]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert "response.output_text.delta" in kinds
    assert kinds[-4:-1] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
    ]
    assert kinds[-1] in ("response.completed", "response.incomplete")
    assert [e.sequence_number for e in events] == list(range(len(events)))
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    final = events[-1].response  # type: ignore[union-attr]
    assert final.output_text == text
    plain = client.responses.create(
        model=MODEL, input=QUESTION, max_output_tokens=16, temperature=0
    )
    assert plain.output_text == text
    assert final.usage == plain.usage or (
        final.usage is not None
        and plain.usage is not None
        and final.usage.input_tokens == plain.usage.input_tokens
        and final.usage.output_tokens == plain.usage.output_tokens
    )


def test_a_forced_function_call_always_has_complete_arguments(client: openai.OpenAI) -> None:
    """max_output_tokens 16 would cut the call's JSON: the call gets its own budget."""
    response = client.responses.create(
        model=MODEL,
        input=WEATHER_ASK,
        tools=[WEATHER],
        tool_choice={"type": "function", "name": "get_weather"},
        max_output_tokens=16,
        temperature=0,
    )

    call = only_call(response)
    assert call.name == "get_weather"
    arguments = json.loads(call.arguments)
    assert {"city", "unit"} <= set(arguments)


def test_a_streamed_call_adds_up_to_its_arguments(client: openai.OpenAI) -> None:
    with client.responses.stream(
        model=MODEL, input=WEATHER_ASK, tools=[WEATHER], tool_choice="required", temperature=0
    ) as stream:
        events = list(stream)
        final = stream.get_final_response()

    call = only_call(final)
    pieces = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
    (done,) = [e for e in events if e.type == "response.function_call_arguments.done"]
    assert pieces == done.arguments == call.arguments
    json.loads(call.arguments)


def test_a_function_call_output_goes_back_and_the_model_answers(client: openai.OpenAI) -> None:
    call = only_call(
        client.responses.create(
            model=MODEL, input=WEATHER_ASK, tools=[WEATHER], tool_choice="required", temperature=0
        )
    )
    history: ResponseInputParam = [
        {"role": "user", "content": [{"type": "input_text", "text": WEATHER_ASK}]},
        {
            "type": "function_call",
            "call_id": call.call_id,
            "name": call.name,
            "arguments": call.arguments,
        },
        {"type": "function_call_output", "call_id": call.call_id, "output": "Sunny, 21 C"},
    ]
    answer = client.responses.create(
        model=MODEL,
        input=history,
        tools=[WEATHER],
        tool_choice="none",
        max_output_tokens=20,
        temperature=0,
    )

    (item,) = answer.output
    assert isinstance(item, ResponseOutputMessage)
    assert answer.output_text


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"previous_response_id": "resp_123"}, "previous_response_id"),
        ({"max_output_tokens": 15}, "max_output_tokens"),
        ({"tools": [{"type": "web_search"}]}, "tools[0].type"),
        ({"bogus": 1}, "bogus"),
    ],
    ids=["previous-response", "max-output-below-16", "web-search", "unknown-field"],
)
def test_unsupported_requests_get_openais_400(
    client: openai.OpenAI, extra: dict[str, object], param: str
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model=MODEL, input=QUESTION, extra_body=extra)
    assert caught.value.param == param


def test_unknown_model_and_bad_key(client: openai.OpenAI, emulator: LlmServer) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.responses.create(model="gpt-nonexistent", input=QUESTION)
    assert caught.value.code == "model_not_found"
    with (
        openai.OpenAI(base_url=emulator.openai_base_url, api_key="wrong", max_retries=0) as bad,
        pytest.raises(openai.AuthenticationError),
    ):
        bad.responses.create(model=MODEL, input=QUESTION)


def test_faults_and_scripts_from_the_control_plane(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.fail_next(api_key, 429, retry_after=0.01)
    with pytest.raises(openai.RateLimitError):
        client.responses.create(model=MODEL, input=QUESTION)
    control.script(api_key, "Paris, of course.")

    response = client.responses.create(model=MODEL, input=QUESTION)

    assert response.output_text == "Paris, of course."
    assert response.status == "completed"
    log = control.requests(api_key)
    assert [(r["path"], r["status"], r["scripted"]) for r in log] == [
        ("/v1/responses", 429, False),
        ("/v1/responses", 200, True),
    ]


def test_an_agents_sdk_agent_with_a_function_tool_completes(
    emulator: LlmServer, control: ModelControl, api_key: str
) -> None:
    """openai-agents calls the Responses API: the model (forced) calls the tool, the SDK runs
    it and the run ends with its result. After a tool result SmolLM2 calls the tool again
    rather than answer, so the agent stops at its first tool (a default agent would loop up
    to max_turns)."""
    import agents

    agents.set_trace_processors([])  # nothing goes to OpenAI's tracing service
    calls: list[str] = []

    @agents.function_tool
    def get_weather(city: str) -> str:
        """The current weather in a city."""
        calls.append(city)
        return f"Sunny, 21 C in {city}"

    sdk = openai.AsyncOpenAI(base_url=emulator.openai_base_url, api_key=api_key, max_retries=0)
    agent = agents.Agent(
        name="weather",
        instructions="Answer questions about the weather with the tool.",
        tools=[get_weather],
        model=agents.OpenAIResponsesModel(model=MODEL, openai_client=sdk),
        model_settings=agents.ModelSettings(tool_choice="required", temperature=0),
        tool_use_behavior="stop_on_first_tool",
    )

    result = agents.Runner.run_sync(agent, WEATHER_ASK, max_turns=3)

    assert len(calls) == 1 and calls[0]
    assert result.final_output == f"Sunny, 21 C in {calls[0]}"
    log = control.requests(api_key)
    assert [(r["path"], r["status"]) for r in log] == [("/v1/responses", 200)]
