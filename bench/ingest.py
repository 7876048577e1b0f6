"""Ingest: spans per second through `POST /opentelemetry/v1/traces` of a real emulator process,
JSON and protobuf, batches of 1, 100 and 512, against the bare decode of the same bodies (the
emulator's own OTLP decoder, no HTTP, no storage) in this process, in the same run.

    python -m bench.ingest [--quick]
"""

from __future__ import annotations

import argparse
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from emulator.honeyhive.otlp.decode import decode

from . import _otlp_bodies as bodies
from ._emulator import RawClient, emulator, process_cpu_s, workdir
from ._report import Figure, Target, quick_from_env, table

ROUTE = "/opentelemetry/v1/traces"
BATCHES = (1, 100, 512)
FORMATS = {"JSON": bodies.JSON, "protobuf": bodies.PROTOBUF}
ROUNDS = 3  # HTTP and decode passes alternate, so drift on a shared machine hits both alike


@dataclass(frozen=True)
class Rates:
    http: float  # spans/s through the route, wall time
    decode: float  # spans/s of the bare decode, wall time
    server_cpu: float  # spans per CPU-second of the emulator process
    decode_cpu: float  # spans per CPU-second of the bare decode


def _spans_per_round(batch: int, quick: bool) -> int:
    if quick:
        return max(batch * 2, 20)
    return {1: 1000, 100: 6000}.get(batch, 12 * batch)


def _bodies(batch: int, count: int, content_type: str) -> list[bytes]:
    build = bodies.json_body if content_type == bodies.JSON else bodies.protobuf_body
    return [
        build(bodies.spans(batch, f"bench-{secrets.token_hex(8)}"))
        for _ in range(max(count // batch, 1))
    ]


def measure(client: RawClient, pid: int, batch: int, content_type: str, quick: bool) -> Rates:
    per_round = _spans_per_round(batch, quick)
    http_s = http_cpu_s = decode_s = decode_cpu_s = 0.0
    spans = 0
    warm = _bodies(batch, batch, content_type)[0]
    client.post(ROUTE, warm, content_type)
    decode(warm, content_type)
    for _ in range(ROUNDS):
        batch_bodies = _bodies(batch, per_round, content_type)  # fresh ids: no duplicate path
        spans += len(batch_bodies) * batch
        started, cpu = time.perf_counter(), time.process_time()
        for body in batch_bodies:
            decode(body, content_type)
        decode_s += time.perf_counter() - started
        decode_cpu_s += time.process_time() - cpu
        cpu_before = process_cpu_s(pid) or 0.0
        started = time.perf_counter()
        for body in batch_bodies:
            client.post(ROUTE, body, content_type)
        http_s += time.perf_counter() - started
        http_cpu_s += (process_cpu_s(pid) or 0.0) - cpu_before
    return Rates(
        spans / http_s,
        spans / decode_s,
        spans / http_cpu_s if http_cpu_s > 0 else float("nan"),
        spans / decode_cpu_s if decode_cpu_s > 0 else float("nan"),
    )


def figures(quick: bool = False) -> list[Figure]:
    out: list[Figure] = []
    sent = 0
    with workdir("ingest") as folder, emulator(folder) as running:
        client = RawClient(running.url, running.api_key)
        try:
            for fmt, content_type in FORMATS.items():
                for batch in BATCHES:
                    rates = measure(client, running.pid, batch, content_type, quick)
                    sent += (_spans_per_round(batch, quick) // batch * ROUNDS + 1) * batch
                    target = fmt == "JSON" and batch == 512
                    detail = {
                        "spans_per_round": _spans_per_round(batch, quick),
                        "rounds": ROUNDS,
                        "wall_spans_per_s": rates.http,
                        "decode_wall_spans_per_s": rates.decode,
                        "emulator_spans_per_cpu_s": rates.server_cpu,
                        "decode_spans_per_cpu_s": rates.decode_cpu,
                    }
                    out.append(
                        Figure(
                            "ingest",
                            f"{fmt} batch {batch}, wall",
                            rates.http,
                            "spans/s",
                            rates.decode,
                            "bare decode",
                            (Target("min", 20_000), Target("min", 0.5, "ratio")) if target else (),
                            detail=detail,
                        )
                    )
                    if batch == 512:
                        out.append(
                            Figure(
                                "ingest",
                                f"{fmt} batch {batch}, per emulator CPU-second",
                                rates.server_cpu,
                                "spans/s",
                                rates.decode_cpu,
                                "bare decode CPU",
                                (Target("min", 20_000), Target("min", 0.5, "ratio"))
                                if target
                                else (),
                                detail=detail,
                            )
                        )
        finally:
            client.close()
        stored = sum(p["span_count"] for p in running.control.payloads(running.project))
    if stored != sent:
        raise RuntimeError(f"the emulator holds {stored} spans in payloads, {sent} were sent")
    return [_explained(f) for f in out]


def _explained(figure: Figure) -> Figure:
    """A figure that misses its target says where the emulator's time per span goes."""
    if figure.met is not False:
        return figure
    spans_per_cpu_s = figure.detail["emulator_spans_per_cpu_s"]
    total = 1e6 / spans_per_cpu_s
    decode = 1e6 / figure.detail["decode_spans_per_cpu_s"]
    wall = 1e6 / figure.detail["wall_spans_per_s"]
    note = (
        f"{wall:.0f} µs/span wall, {total:.0f} µs/span emulator CPU, of which the decode "
        f"{decode:.0f} µs and all after it (HTTP, span→event mapping, SQLite) {total - decode:.0f} "
        f"µs; 20,000 spans/s needs ≤ 50 µs/span (this figure: {1e6 / figure.value:.0f}), "
        f"½ the decode rate needs the part after the decode ≤ the decode"
    )
    return replace(figure, note=note)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few spans: checks the machinery")
    args = parser.parse_args(argv)
    print(table(figures(args.quick or quick_from_env())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
