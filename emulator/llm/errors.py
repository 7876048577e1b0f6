"""OpenAI's error shapes: ``{"error": {"message", "type", "param", "code"}}`` and status codes."""

from __future__ import annotations

import math
from collections.abc import Mapping

from openai.types.shared import ErrorObject
from starlette.responses import JSONResponse

REQUEST_ERROR = "invalid_request_error"


class OpenAIError(Exception):
    """An error answered in OpenAI's JSON shape, which the ``openai`` SDK maps to its classes."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = REQUEST_ERROR,
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.param = param
        self.code = code
        self.headers: dict[str, str] = dict(headers or {})

    def body(self) -> dict[str, object]:
        error = ErrorObject(message=self.message, type=self.type, param=self.param, code=self.code)
        return {"error": error.model_dump(include={"message", "type", "param", "code"})}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def mask_key(key: str) -> str:
    """The way OpenAI echoes a wrong key: only its first and last few characters."""
    if len(key) <= 8:
        return "*" * len(key)
    return f"{key[:3]}{'*' * min(len(key) - 7, 20)}{key[-4:]}"


def missing_api_key() -> OpenAIError:
    return OpenAIError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization "
        "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        code="invalid_api_key",
    )


def invalid_api_key(key: str) -> OpenAIError:
    return OpenAIError(401, f"Incorrect API key provided: {mask_key(key)}.", code="invalid_api_key")


def model_not_found(model: str) -> OpenAIError:
    return OpenAIError(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        code="model_not_found",
    )


def not_a_chat_model(model: str) -> OpenAIError:
    return OpenAIError(
        404,
        f"The model `{model}` is not a chat model and thus not supported in the "
        "v1/chat/completions endpoint.",
        param="model",
        code="model_not_found",
    )


def not_an_embedding_model(model: str) -> OpenAIError:
    return OpenAIError(
        400,
        f"The model `{model}` does not support embeddings.",
        param="model",
        code="model_not_supported",
    )


def invalid_param(
    param: str | None, message: str, code: str | None = "invalid_value"
) -> OpenAIError:
    return OpenAIError(400, message, param=param, code=code)


def context_length_exceeded(
    window: int, prompt_tokens: int, completion_tokens: int, param: str = "messages"
) -> OpenAIError:
    total = prompt_tokens + completion_tokens
    return OpenAIError(
        400,
        f"This model's maximum context length is {window} tokens. However, you requested "
        f"{total} tokens ({prompt_tokens} in the messages, {completion_tokens} in the "
        "completion). Please reduce the length of the messages or completion.",
        param=param,
        code="context_length_exceeded",
    )


def input_too_long(window: int, tokens: int, param: str) -> OpenAIError:
    return OpenAIError(
        400,
        f"This model's maximum context length is {window} tokens, however you requested "
        f"{tokens} tokens ({tokens} in your prompt; 0 for the completion). Please reduce your "
        "prompt; or completion length.",
        param=param,
        code="context_length_exceeded",
    )


def malformed_json(detail: str) -> OpenAIError:
    return OpenAIError(
        400,
        "We could not parse the JSON body of your request. The API expects a JSON payload, "
        f"but what was sent was not valid JSON: {detail}.",
    )


def rate_limited(model: str | None, retry_after: float) -> OpenAIError:
    wait_ms = max(round(retry_after * 1000), 0)
    who = f" for {model}" if model else ""
    headers = {
        "retry-after": str(max(math.ceil(retry_after), 0)),
        "retry-after-ms": str(wait_ms),
        "x-ratelimit-limit-requests": "3",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": f"{wait_ms}ms",
    }
    return OpenAIError(
        429,
        f"Rate limit reached{who} in organization org-emulator on requests per min (RPM): "
        f"Limit 3, Used 3, Requested 1. Please try again in {wait_ms}ms.",
        type_="requests",
        code="rate_limit_exceeded",
        headers=headers,
    )


def server_error(message: str | None = None) -> OpenAIError:
    return OpenAIError(
        500,
        message or "The server had an error while processing your request. Sorry about that!",
        type_="server_error",
    )


def service_unavailable(message: str | None = None) -> OpenAIError:
    return OpenAIError(
        503,
        message or "The engine is currently overloaded, please try again later.",
        type_="server_error",
    )


def injected(status: int, model: str | None, retry_after: float) -> OpenAIError:
    """The error a scripted fault answers with."""
    if status == 429:
        return rate_limited(model, retry_after)
    if status == 401:
        return OpenAIError(401, "Incorrect API key provided.", code="invalid_api_key")
    if status == 503:
        return service_unavailable()
    return server_error()


def forbidden_control() -> OpenAIError:
    return OpenAIError(
        403,
        "The control plane needs the X-Control-Token header with the token given at start.",
        type_="forbidden",
        code="invalid_control_token",
    )
