"""Start-up settings of the LLM emulator: model names, keys, limits."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Chat model names accepted by default (OpenAI's and Anthropic's, on every chat route);
#: every one is served by SmolLM2-135M-Instruct.
DEFAULT_CHAT_MODELS: tuple[str, ...] = (
    "gpt-4o-mini",
    "gpt-4o",
    "gpt-4",
    "gpt-4-turbo",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-3.5-turbo",
    "gpt-5",
    "gpt-5-mini",
    "gpt-5-nano",
    "o3-mini",
    "o4-mini",
    "claude-opus-4-5",
    "claude-opus-4-1",
    "claude-sonnet-4-5",
    "claude-sonnet-4-5-20250929",
    "claude-sonnet-4-0",
    "claude-sonnet-4-20250514",
    "claude-haiku-4-5",
    "claude-haiku-4-5-20251001",
    "claude-3-7-sonnet-latest",
    "claude-3-5-haiku-latest",
    "claude-3-5-haiku-20241022",
    "claude-3-haiku-20240307",
    "smollm2-135m-instruct",
)

#: Embedding model names accepted by default (mean-pooled SmolLM2 hidden states).
DEFAULT_EMBEDDING_MODELS: tuple[str, ...] = (
    "text-embedding-3-small",
    "text-embedding-3-large",
    "text-embedding-ada-002",
)

#: Embedding models that accept the ``dimensions`` parameter (as on OpenAI).
MODELS_WITH_DIMENSIONS_PREFIX = "text-embedding-3"

#: The name under which the model itself is known (health, /v1/models).
NATIVE_MODEL_NAME = "smollm2-135m-instruct"

ENV_API_KEYS = "LLM_EMULATOR_API_KEYS"
ENV_CONTROL_TOKEN = "LLM_EMULATOR_CONTROL_TOKEN"


@dataclass(frozen=True)
class LlamaSettings:
    """How the wrapped llama.cpp server is started."""

    #: requests the model decodes at the same time (llama.cpp slots)
    parallel: int = 4
    #: context window of one request, in tokens (the model was trained on 8192)
    context_window: int = 8192
    #: the largest embedding input, in tokens (llama.cpp's physical batch)
    embedding_batch: int = 2048
    #: CPU threads for decoding; -1 lets llama.cpp choose
    threads: int = -1
    #: llama.cpp log verbosity (1 = errors only, 3 = info)
    verbosity: int = 1


@dataclass(frozen=True)
class Settings:
    """Everything the front needs at start-up."""

    control_token: str
    api_keys: frozenset[str] = frozenset()
    chat_models: tuple[str, ...] = DEFAULT_CHAT_MODELS
    embedding_models: tuple[str, ...] = DEFAULT_EMBEDDING_MODELS
    #: cap on generated tokens when a request sets no max_tokens (0 = only the context)
    default_max_tokens: int = 512
    #: size of the per-key request log kept for the control plane
    request_log_size: int = 1000
    llama: LlamaSettings = field(default_factory=LlamaSettings)
