"""Async HTTP calls to the llama.cpp server: generation, embeddings and its tokenizer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from emulator.llm.errors import OpenAIError, invalid_param, server_error, service_unavailable
from emulator.llm.llama.server import LlamaInfo

JSON = dict[str, Any]


class LlamaClient:
    """One pooled ``httpx.AsyncClient`` to the model; every method raises ``OpenAIError``."""

    def __init__(self, info: LlamaInfo) -> None:
        self.info = info
        #: vocabulary size and embedding width, read from the model by ``load_meta``
        self.n_vocab = 0
        self.n_embd = 0
        #: tokens one request may use: the configured window, capped by the training context
        self.context_window = info.context_window
        self._http = httpx.AsyncClient(
            base_url=info.base_url,
            headers={"Authorization": f"Bearer {info.api_key}"},
            timeout=httpx.Timeout(connect=5.0, read=None, write=30.0, pool=None),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def load_meta(self) -> None:
        response = await self._http.get("/v1/models")
        response.raise_for_status()
        meta = response.json()["data"][0]["meta"]
        self.n_vocab = int(meta["n_vocab"])
        self.n_embd = int(meta["n_embd"])
        self.context_window = min(self.info.context_window, int(meta["n_ctx_train"]))

    async def warm_up(self) -> None:
        """One token generated, so the first real request does not pay for paging the weights
        in and allocating the compute buffers. Best effort: a failure here is the next
        request's to report. Nothing is cached from it (``cache_prompt`` off)."""
        try:
            await self._http.post(
                "/completion", json={"prompt": "Hi", "n_predict": 1, "cache_prompt": False}
            )
        except httpx.HTTPError:
            return

    async def healthy(self) -> bool:
        try:
            response = await self._http.get("/health", timeout=5.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def tokenize(self, text: str, *, special: bool = False) -> list[int]:
        body = await self._post("/tokenize", {"content": text, "parse_special": special})
        return [int(t) for t in body["tokens"]]

    async def tokenize_pieces(self, text: str) -> list[bytes]:
        """The reply text split into its tokens, each as raw bytes (a token may hold half a
        UTF-8 character)."""
        body = await self._post(
            "/tokenize", {"content": text, "parse_special": False, "with_pieces": True}
        )
        pieces: list[bytes] = []
        for token in body["tokens"]:
            piece = token["piece"]
            pieces.append(piece.encode() if isinstance(piece, str) else bytes(piece))
        return pieces

    async def apply_template(self, messages: list[JSON]) -> str:
        body = await self._post("/apply-template", {"messages": messages})
        return str(body["prompt"])

    async def count_prompt_tokens(self, messages: list[JSON]) -> int:
        """Prompt tokens exactly as llama.cpp counts them: chat template, then tokenizer."""
        prompt = await self.apply_template(messages)
        return len(await self.tokenize(prompt, special=True))

    async def chat(self, payload: JSON) -> JSON:
        return await self._post("/v1/chat/completions", payload)

    async def chat_stream(self, payload: JSON) -> AsyncIterator[JSON]:
        """llama.cpp's SSE chunks as dicts; ends at ``[DONE]``."""
        request = self._http.build_request("POST", "/v1/chat/completions", json=payload)
        try:
            response = await self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise service_unavailable(f"The model is not reachable: {exc}") from exc
        try:
            if response.status_code != 200:
                await response.aread()
                raise _llama_error(response)
            async for line in response.aiter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                chunk = json.loads(data)
                if "error" in chunk:
                    raise server_error(str(chunk["error"].get("message", "stream error")))
                yield chunk
        except httpx.HTTPError as exc:
            raise server_error(f"The model stream broke: {exc}") from exc
        finally:
            await response.aclose()

    async def embeddings(self, inputs: list[str] | list[list[int]]) -> JSON:
        return await self._post("/v1/embeddings", {"input": inputs, "encoding_format": "float"})

    async def _post(self, path: str, payload: JSON) -> JSON:
        try:
            response = await self._http.post(path, json=payload)
        except httpx.HTTPError as exc:
            raise service_unavailable(f"The model is not reachable: {exc}") from exc
        if response.status_code != 200:
            raise _llama_error(response)
        body: JSON = response.json()
        return body


def _llama_error(response: httpx.Response) -> OpenAIError:
    """llama.cpp's own errors, re-shaped: its 4xx are the request's fault, the rest ours."""
    try:
        message = str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        message = response.text[:500] or f"HTTP {response.status_code}"
    if 400 <= response.status_code < 500:
        return invalid_param(None, f"The model rejected the request: {message}", code=None)
    if response.status_code == 503:
        return service_unavailable(f"The model is busy: {message}")
    return server_error(f"The model failed: {message}")
