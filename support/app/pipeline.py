"""The configurable application: an LLM service whose steps are described in a feature file.

Each step has a name, a kind (a HoneyHive event type: tool, model or chain), what it does and,
optionally, the step it nests under. The service handles a request by running its steps for real
in a traced session: real model calls through the (instrumented) OpenAI client, real tool
functions, real document retrieval, real failures. A value flows through the steps in the order
they are listed: the request text goes into the first step, each step's output into the next.

What each step does, in the words a feature file uses (`STEP_ACTIONS` is the list):
  takes the request | takes the input "<text>" | takes an input of <n> characters
  asks the model about the request | asks the model "<question>" [and streams the answer]
  asks the model, which calls the tool "<tool>"
  calls the tool "<tool>" [, which returns "<result>"]
  retrieves <n> documents
  formats the answer
  fails with "<message>"

The module is a leaf: it knows the SDK, OpenAI and its own documents, nothing of the suite.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import step_context
from .documents import DocumentStore
from .model_calls import Completion, complete

if TYPE_CHECKING:
    import openai
    from honeyhive import HoneyHiveTracer

KINDS = ("tool", "model", "chain")
# the local model fills a forced tool call up to the limit (96: ~6x slower than 48); arguments
# cut off by it are reported as such by the Then that reads them
TOOL_CALL_TOKENS = 48
FILLER = "The quick brown fox jumps over the lazy dog. "


class PipelineError(ValueError):
    """A step described in a way the application cannot run; the message says how to fix it."""


class StepFailed(RuntimeError):
    """A step's failure: the one it was told to raise (`fails with "..."`), or a model call the
    application could not complete; the request ends there, its parents fail with it."""


# ---- what a step does -------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    phrase: str  # the words of the feature file


@dataclass(frozen=True)
class TakesRequest(Action):
    pass


@dataclass(frozen=True)
class TakesText(Action):
    text: str


@dataclass(frozen=True)
class AsksModel(Action):
    question: str | None  # None: about the value the step was given
    stream: bool = False


@dataclass(frozen=True)
class AsksModelWithTool(Action):
    tool: str


@dataclass(frozen=True)
class AsksModelConfigured(Action):
    configuration: str  # the name of a configuration the project holds in HoneyHive


@dataclass(frozen=True)
class CallsTool(Action):
    tool: str
    returns: str | None = None


@dataclass(frozen=True)
class Retrieves(Action):
    count: int


@dataclass(frozen=True)
class Formats(Action):
    pass


@dataclass(frozen=True)
class Fails(Action):
    message: str


_ACTIONS: list[tuple[str, str, Callable[[str, re.Match[str]], Action]]] = [
    ("takes the request", r"takes the (?:request|user's question)", lambda p, m: TakesRequest(p)),
    ('takes the input "<text>"', r'takes the input "(.*)"', lambda p, m: TakesText(p, m[1])),
    (
        "takes an input of <n> characters",
        r"takes an input of (\d+) characters",
        lambda p, m: TakesText(p, sized_text(int(m[1]))),
    ),
    (
        "takes an input of <n> lines of non-ASCII text",
        r"takes an input of (\d+) lines? of non-ASCII text",
        lambda p, m: TakesText(p, non_ascii_lines(int(m[1]))),
    ),
    (
        "asks the model about the request",
        r"asks the model about (?:the request|it|what it was given)( and streams the answer)?",
        lambda p, m: AsksModel(p, None, stream=bool(m[1])),
    ),
    (
        'asks the model "<question>"',
        r'asks the model "(.+)"( and streams the answer)?',
        lambda p, m: AsksModel(p, m[1], stream=bool(m[2])),
    ),
    (
        'asks the model with the configuration "<name>"',
        r'asks the model with the configuration "(.+)"',
        lambda p, m: AsksModelConfigured(p, m[1]),
    ),
    (
        'asks the model, which calls the tool "<tool>"',
        r'asks the model, which calls the tool "([\w.-]+)"',
        lambda p, m: AsksModelWithTool(p, m[1]),
    ),
    (
        'calls the tool "<tool>" [, which returns "<result>"]',
        r'calls the tool "([\w.-]+)"(?:,? which returns "(.*)")?',
        lambda p, m: CallsTool(p, m[1], m[2]),
    ),
    (
        "retrieves <n> documents",
        r"retrieves (\d+) documents?",
        lambda p, m: Retrieves(p, int(m[1])),
    ),
    ("formats the answer", r"formats the (?:answer|result)", lambda p, m: Formats(p)),
    ('fails with "<message>"', r'fails with "(.+)"', lambda p, m: Fails(p, m[1])),
]
STEP_ACTIONS = tuple(example for example, _, _ in _ACTIONS)


def parse_action(phrase: str) -> Action:
    text = " ".join(phrase.split())
    for _, pattern, build in _ACTIONS:
        match = re.fullmatch(pattern, text)
        if match:
            return build(text, match)
    raise PipelineError(
        f"a step cannot {text!r}; what a step does is one of: " + "; ".join(STEP_ACTIONS)
    )


NON_ASCII = (
    "Größe der Bestellung: 3 Stück — Lieferung nach Zürich",
    "Commande n° 1042 : expédiée à Besançon, reçue ✓",
    "注文番号1042は東京の倉庫から発送されました",
    "Заказ 1042 отправлен в Санкт-Петербург",
    "طلب رقم ١٠٤٢ في الطريق 🚚",
)


def non_ascii_lines(count: int) -> str:
    """`count` lines of text in several scripts (accents, CJK, Cyrillic, Arabic, emoji)."""
    return "\n".join(f"{i + 1}. {NON_ASCII[i % len(NON_ASCII)]}" for i in range(count))


def sized_text(size: int) -> str:
    """`size` characters of plain text (deterministic, ends on a full character count)."""
    return (FILLER * (size // len(FILLER) + 1))[:size]


# ---- the steps --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    name: str
    kind: str
    action: Action
    under: str | None = None


def build_steps(rows: list[dict[str, str]]) -> list[StepSpec]:
    """Steps from the rows of a feature table (columns step, kind, does, and optionally under)."""
    if not rows:
        raise PipelineError("the application needs at least one step")
    specs: list[StepSpec] = []
    for i, row in enumerate(rows, start=1):
        unknown = set(row) - {"step", "kind", "does", "under"}
        if unknown:
            raise PipelineError(
                f"row {i}: unknown column(s) {sorted(unknown)}; the columns are step, kind, does "
                "and (optionally) under"
            )
        name, kind = row.get("step", "").strip(), row.get("kind", "").strip().lower()
        under = (row.get("under") or "").strip() or None
        if not name:
            raise PipelineError(f"row {i}: the step has no name")
        if kind not in KINDS:
            raise PipelineError(f"step {name!r}: kind {kind!r} is not one of {', '.join(KINDS)}")
        if any(s.name == name for s in specs):
            raise PipelineError(f"step {name!r} is listed twice; step names must be unique")
        if under is not None and not any(s.name == under for s in specs):
            raise PipelineError(
                f"step {name!r} nests under {under!r}, which is not a step listed above it"
            )
        specs.append(StepSpec(name, kind, parse_action(row.get("does", "")), under))
    return specs


# ---- tools ------------------------------------------------------------------------------------


def run_tool(name: str, arguments: dict[str, Any], returns: str | None) -> dict[str, Any]:
    """A real tool function: it answers with what the feature said it returns, or looks the
    query up in its own small table (deterministic, so a trace can be compared with it)."""
    query = str(arguments.get("query", ""))
    if returns is not None:
        return {"tool": name, "query": query, "result": returns}
    words = sorted({w for w in re.findall(r"[a-z0-9]+", query.lower()) if len(w) > 3})
    return {
        "tool": name,
        "query": query,
        "result": f"{name}: {len(words)} key terms",
        "terms": words[:8],
    }


def parse_arguments(raw: str | None) -> dict[str, Any]:
    """The model's tool-call arguments; text that is not a JSON object is kept as the query."""
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return {"query": raw}
    return parsed if isinstance(parsed, dict) else {"query": parsed}


TOOL_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"query": {"type": "string", "description": "what to look up"}},
    "required": ["query"],
}


def tool_description(name: str) -> str:
    return f"Look something up with {name}."


def tool_schema(name: str) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": tool_description(name),
            "parameters": TOOL_PARAMETERS,
        },
    }


# ---- running a request ------------------------------------------------------------------------


@dataclass
class StepRun:
    """What one step did, as the application saw it."""

    name: str
    kind: str
    parent: str | None
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    stored_name: str | None = None  # when the instrumentor names the step's unit its own way
    framework_unit: bool = False  # opened by the framework itself, not one of the steps
    role: str | None = None  # what the framework made of the step ("agent"), when it matters


@dataclass
class RequestRun:
    request_id: str
    text: str
    steps: list[StepRun] = field(default_factory=list)
    answer: str | None = None
    error: str | None = None  # the failure that ended the request, if any


@dataclass(frozen=True)
class Configured:
    """What a stored configuration tells the application to call the model with."""

    config_id: str
    model: str
    temperature: float | None
    max_tokens: int | None
    system: str | None


@dataclass
class Settings:
    retries: int = 0  # application-side retries of a failed model call
    max_tokens: int = 16  # the model is asked for no more than this per call
    temperature: float = 0.0


@dataclass(frozen=True)
class ModelEndpoint:
    """Where the model answers, for the frameworks that build their own clients: the OpenAI
    base URL (`.../v1`), the key, the model name, and HTTP clients (httpx2, sync and async) that
    every framework's client is built on, so every call is recorded on the wire."""

    base_url: str
    api_key: str = field(repr=False)
    model: str
    http_client: Callable[[], Any] = field(repr=False)
    async_http_client: Callable[..., Any] = field(repr=False)  # (step=None): see model_traffic

    @property
    def root_url(self) -> str:
        """The server's root, for clients that add `/v1/...` themselves (Anthropic's)."""
        return self.base_url.rstrip("/").removesuffix("/v1")


class Pipeline:
    def model_errors(self) -> tuple[type[Exception], ...]:
        """What a model call the application cannot complete raises, in its framework."""
        import openai

        return (openai.APIError,)

    def __init__(
        self,
        tracer: HoneyHiveTracer,
        client: openai.OpenAI,
        model: str,
        steps: list[StepSpec],
        settings: Settings | None = None,
        documents: DocumentStore | None = None,
        configurations: Callable[[str], Configured | None] | None = None,
        endpoint: ModelEndpoint | None = None,
        instrumentor: str = "openinference",
    ) -> None:
        self.tracer, self.client, self.model, self.steps = tracer, client, model, steps
        self.settings = settings or Settings()
        self.documents = documents
        self.configurations = configurations
        self.endpoint = endpoint
        self.instrumentor = instrumentor  # whose naming the framework apps' units follow

    def handle(self, request_id: str, text: str) -> RequestRun:
        """Run every step for one request. A failing step ends the request (its parents fail
        with it); the failure is the application's, not the tracer's."""
        run = RequestRun(request_id, text)
        try:
            run.answer = str(self._children(None, text, run))
        except StepFailed as exc:
            run.error = str(exc)
        return run

    def _children(self, parent: str | None, value: Any, run: RequestRun) -> Any:
        for spec in [s for s in self.steps if s.under == parent]:
            value = self._step(spec, value, run)
        return value

    def _step(self, spec: StepSpec, value: Any, run: RequestRun) -> Any:
        step = StepRun(spec.name, spec.kind, spec.under, inputs={"value": value})
        step.metadata = {"request.id": run.request_id}
        run.steps.append(step)
        with step_context.running(spec.name), self.tracer.trace(spec.name, event_type=spec.kind):
            self.tracer.enrich_span(inputs=step.inputs, metadata=step.metadata)
            with self.failing(step):
                value = self._act(spec.action, value, step, run)
                value = self._children(spec.name, value, run)
            step.outputs = {"value": value}
            self.tracer.enrich_span(outputs=step.outputs)
        return value

    @contextlib.contextmanager
    def failing(self, step: StepRun) -> Iterator[None]:
        """A failure inside the block is the step's: recorded on it and raised as StepFailed —
        the one it was told to raise, or a model call the application could not complete (no
        retries left, or none asked for), as the application's own error, not the tracer's."""
        try:
            yield
        except StepFailed as exc:
            step.error = f"{type(exc).__name__}: {exc}"
            raise
        except self.model_errors() as exc:
            step.error = f"{type(exc).__name__}: {exc}"
            raise StepFailed(f"the model call failed: {exc}") from exc

    def _act(self, action: Action, value: Any, step: StepRun, run: RequestRun) -> Any:
        if isinstance(action, TakesRequest):
            return run.text
        if isinstance(action, TakesText):
            step.inputs = {"value": action.text}
            self.tracer.enrich_span(inputs=step.inputs)
            return action.text
        if isinstance(action, AsksModel):
            question = action.question or str(value)
            return self._ask([{"role": "user", "content": question}], stream=action.stream).text
        if isinstance(action, AsksModelConfigured):
            return self._ask_configured(action.configuration, str(value), step)
        if isinstance(action, AsksModelWithTool):
            return self._ask_with_tool(action.tool, str(value), run, step.name)
        if isinstance(action, CallsTool):
            return run_tool(action.tool, {"query": str(value)}, action.returns)
        if isinstance(action, Retrieves):
            return self._retrieve(str(value), action.count)
        if isinstance(action, Formats):
            return " ".join(str(value).split()) or "(no answer)"
        if isinstance(action, Fails):
            raise StepFailed(action.message)
        raise PipelineError(f"no way to run {action.phrase!r}")

    def _retrieve(self, query: str, count: int) -> list[dict[str, Any]]:
        if self.documents is None:
            self.documents = DocumentStore()
        hits = self.documents.nearest(query, count)
        return [{"title": h.title, "score": round(h.score, 4)} for h in hits]

    def _ask(
        self, messages: list[dict[str, Any]], *, stream: bool = False, **params: Any
    ) -> Completion:
        return complete(
            self.client,
            retries=self.settings.retries,
            stream=stream,
            model=self.model,
            messages=messages,
            max_tokens=self.settings.max_tokens,
            temperature=self.settings.temperature,
            **params,
        )

    def _ask_configured(self, name: str, question: str, step: StepRun) -> str:
        """Fetch the configuration from the project, then call the model as it says."""
        found = self.configurations(name) if self.configurations else None
        if found is None:
            raise StepFailed(f"the project holds no configuration named {name!r}")
        step.metadata["configuration.name"] = name
        step.metadata["configuration.id"] = found.config_id
        self.tracer.enrich_span(metadata=step.metadata)
        messages = [{"role": "system", "content": found.system}] if found.system else []
        params: dict[str, Any] = {
            "model": found.model,
            "messages": [*messages, {"role": "user", "content": question}],
        }
        if found.temperature is not None:
            params["temperature"] = found.temperature
        params["max_tokens"] = found.max_tokens or self.settings.max_tokens
        return complete(self.client, retries=self.settings.retries, **params).text

    def _traced_tool(
        self, name: str, arguments: dict[str, Any], call_id: str, run: RequestRun, parent: str
    ) -> dict[str, Any]:
        """The application runs a tool the model called, with the model's own arguments, as a
        traced step of its own."""
        tool_step = StepRun(name, "tool", parent, inputs=arguments)
        tool_step.metadata = {"request.id": run.request_id, "tool_call.id": call_id}
        run.steps.append(tool_step)
        with self.tracer.trace(name, event_type="tool"):
            result = run_tool(name, arguments, None)
            tool_step.outputs = result
            self.tracer.enrich_span(inputs=arguments, outputs=result, metadata=tool_step.metadata)
        return result

    def _ask_with_tool(self, tool: str, question: str, run: RequestRun, parent: str) -> str:
        """The model is offered the tool and asked to use it; the application runs the tool with
        the model's own arguments (a step of its own) and sends the result back."""
        messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "tools": [tool_schema(tool)],
            "tool_choice": {"type": "function", "function": {"name": tool}},
            "max_tokens": TOOL_CALL_TOKENS,
            "temperature": self.settings.temperature,
        }
        response = self.client.chat.completions.create(**request)
        message = response.choices[0].message
        calls = [c for c in message.tool_calls or [] if getattr(c, "function", None)]
        if not calls:
            return message.content or ""
        messages.append(message.model_dump(exclude_none=True))
        for call in calls:
            function = call.function
            result = self._traced_tool(
                function.name, parse_arguments(function.arguments), call.id, run, parent
            )
            messages.append(
                {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)}
            )
        return self._ask(messages).text
