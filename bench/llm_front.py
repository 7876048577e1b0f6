"""Throughput and time-to-first-token of the LLM emulator's front versus the bare llama.cpp
server it wraps, measured in the same run with the same client (the openai SDK).

    python -m bench.llm_front [--runs 6] [--max-tokens 128]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import openai

from emulator.llm.launcher import llm_server

from ._report import Figure

PROMPT = "Write a long story about a dragon who learns to bake bread."


@dataclass(frozen=True)
class Sample:
    ttft_s: float
    stream_tok_s: float
    whole_tok_s: float
    tokens: int


def _main_thread_cpu_s(pid: int) -> float | None:
    """CPU seconds of a process's main thread: the front's Python work, without the
    llama.cpp threads that run in the same process (Linux only)."""
    try:
        fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def _stream_sample(
    sdk: openai.OpenAI, model: str, prompt: str, max_tokens: int
) -> tuple[float, float, int]:
    """(time to first content token, tokens/s after it, tokens) for one streamed reply."""
    started = time.perf_counter()
    first = last = 0.0
    tokens = 0
    stream = sdk.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        max_tokens=max_tokens,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
    )
    for chunk in stream:
        now = time.perf_counter()
        if chunk.choices and chunk.choices[0].delta.content:
            if not first:
                first = now
            last = now
        if chunk.usage is not None:
            tokens = chunk.usage.completion_tokens
    decode = max(last - first, 1e-9)
    return first - started, max(tokens - 1, 0) / decode, tokens


def _whole_sample(
    sdk: openai.OpenAI, model: str, prompt: str, max_tokens: int
) -> tuple[float, int]:
    """(completion tokens per second of wall time, tokens) for one non-streamed reply."""
    started = time.perf_counter()
    reply = sdk.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        max_tokens=max_tokens,
        temperature=0,
    )
    elapsed = time.perf_counter() - started
    assert reply.usage is not None
    return reply.usage.completion_tokens / elapsed, reply.usage.completion_tokens


def _sample(sdk: openai.OpenAI, model: str, tag: str, max_tokens: int) -> Sample:
    # A distinct prompt per call, so llama.cpp's prompt cache helps neither side.
    ttft, stream_rate, streamed = _stream_sample(sdk, model, f"[{tag} s] {PROMPT}", max_tokens)
    whole_rate, whole = _whole_sample(sdk, model, f"[{tag} w] {PROMPT}", max_tokens)
    return Sample(ttft, stream_rate, whole_rate, streamed + whole)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


@dataclass(frozen=True)
class Measured:
    rows: dict[str, tuple[float, float, float]]  # target → (TTFT ms, stream tok/s, whole tok/s)
    load_seconds: float
    ready_s: float
    front_cpu_ms_per_token: float | None
    front_tokens: int


def measure(runs: int, max_tokens: int) -> Measured:
    token = secrets.token_urlsafe(16)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-llm-"))
    started = time.perf_counter()
    running = llm_server(log_dir, token)
    running.start()
    ready_s = time.perf_counter() - started
    control = running.control()
    try:
        info = control.info()
        key = control.new_key()
        targets = {
            "bare llama.cpp": openai.OpenAI(
                base_url=f"{info['llama_url']}/v1", api_key=info["llama_api_key"]
            ),
            "front": openai.OpenAI(base_url=running.openai_base_url, api_key=key),
        }
        model = {"bare llama.cpp": "smollm2", "front": "gpt-4o-mini"}
        for position, (name, sdk) in enumerate(targets.items()):  # warm-up
            _sample(sdk, model[name], f"w{position}", 16)
        samples: dict[str, list[Sample]] = {name: [] for name in targets}
        assert running.process is not None
        cpu_before = _main_thread_cpu_s(running.process.pid)
        for run in range(runs):  # interleaved, so drift hits both sides alike
            for position, (name, sdk) in enumerate(targets.items()):
                # same-length tags: both sides process prompts of the same token count
                tag = f"r{run:03d}t{position}"
                samples[name].append(_sample(sdk, model[name], tag, max_tokens))
        cpu_after = _main_thread_cpu_s(running.process.pid)
        for sdk in targets.values():
            sdk.close()
    finally:
        running.stop()
        shutil.rmtree(log_dir, ignore_errors=True)

    rows = {
        name: (
            _median([s.ttft_s for s in got]) * 1000,
            _median([s.stream_tok_s for s in got]),
            _median([s.whole_tok_s for s in got]),
        )
        for name, got in samples.items()
    }
    front_tokens = sum(s.tokens for s in samples["front"])
    per_token_ms = None
    if cpu_before is not None and cpu_after is not None:
        per_token_ms = (cpu_after - cpu_before) * 1000 / max(front_tokens, 1)
    return Measured(rows, float(info["load_seconds"]), ready_s, per_token_ms, front_tokens)


def figures(quick: bool = False) -> list[Figure]:
    runs, max_tokens = (2, 32) if quick else (6, 128)
    got = measure(runs, max_tokens)
    bare, front = got.rows["bare llama.cpp"], got.rows["front"]
    detail = {
        "runs": runs,
        "max_tokens": max_tokens,
        "model_load_seconds": got.load_seconds,
        "process_ready_seconds": got.ready_s,
        "front_cpu_ms_per_token": got.front_cpu_ms_per_token,
    }
    base = "bare llama.cpp"
    return [
        Figure("llm_front", "time to first token", front[0], "ms", bare[0], base, detail=detail),
        Figure("llm_front", "streamed tokens/s", front[1], "tok/s", bare[1], base, detail=detail),
        Figure(
            "llm_front", "whole-reply tokens/s", front[2], "tok/s", bare[2], base, detail=detail
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.llm_front", description=__doc__)
    parser.add_argument("--runs", type=int, default=6, help="measured runs per target")
    parser.add_argument("--max-tokens", type=int, default=128, help="tokens per reply")
    args = parser.parse_args(argv)
    got = measure(args.runs, args.max_tokens)
    bare, front = got.rows["bare llama.cpp"], got.rows["front"]
    print(
        f"LLM front vs bare llama.cpp — SmolLM2-135M Q4_1, {args.runs} runs, "
        f"max_tokens={args.max_tokens}, medians"
    )
    print(f"model load {got.load_seconds:.2f}s; process ready (load + serve) {got.ready_s:.2f}s")
    print(f"{'target':<16}{'TTFT ms':>10}{'stream tok/s':>15}{'whole tok/s':>14}")
    for name, (ttft, stream_rate, whole_rate) in got.rows.items():
        print(f"{name:<16}{ttft:>10.1f}{stream_rate:>15.1f}{whole_rate:>14.1f}")
    print(
        f"{'front/bare':<16}{front[0] / bare[0]:>10.2f}{front[1] / bare[1]:>15.2f}"
        f"{front[2] / bare[2]:>14.2f}"
    )
    print("(ratio front/bare: TTFT above 1 = the front adds delay; tok/s below 1 = it slows)")
    if got.front_cpu_ms_per_token is not None:
        print(
            f"front's own CPU (Python main thread): {got.front_cpu_ms_per_token:.3f} ms per token "
            f"over {got.front_tokens} tokens"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
