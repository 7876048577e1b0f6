"""The SDK's own cost: time per span on the application thread, for `tracer.trace()` spans of a
HoneyHiveTracer exporting to a real emulator process, batched (the default) and with
`disable_batch=True` (each span exported as it ends), against a plain OpenTelemetry span with a
no-op exporter in the same process. Every span the SDK sent is checked to have arrived.

    python -m bench.sdk_cost [--quick]
"""

from __future__ import annotations

import argparse
import secrets
import time
from collections.abc import Callable, Sequence

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from support.readback.polling import wait_for
from support.sdk.tracing import close_tracer, open_tracer

from ._emulator import Running, emulator, workdir
from ._report import Figure, quick_from_env, table


class NoOpExporter(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def _per_span_us(make_span: Callable[[str], None], count: int) -> float:
    for n in range(min(count, 20)):  # warm-up
        make_span(f"warm-{n}")
    started = time.perf_counter()
    for n in range(count):
        make_span(f"span-{n}")
    return (time.perf_counter() - started) / count * 1e6


def _plain_otel(count: int) -> float:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(NoOpExporter()))
    tracer = provider.get_tracer("bench")

    def make(name: str) -> None:
        with tracer.start_as_current_span(name) as span:
            span.set_attribute("step", name)

    try:
        return _per_span_us(make, count)
    finally:
        provider.shutdown()


def _honeyhive(running: Running, count: int, *, disable_batch: bool) -> tuple[float, int]:
    """(µs per span on this thread, spans the tracer was asked to send)."""
    tracer = open_tracer(
        api_key=running.api_key,
        server_url=running.url,
        session_name=f"bench-sdk-{secrets.token_hex(4)}",
        source="bench",
        disable_batch=disable_batch,
    )

    def make(name: str) -> None:
        with tracer.trace(name, event_type="tool") as span:
            span.set_attribute("step", name)

    try:
        per_span = _per_span_us(make, count)
        tracer.flush()
    finally:
        close_tracer(tracer)
    return per_span, count + min(count, 20)


def figures(quick: bool = False) -> list[Figure]:
    batched_n, unbatched_n = (100, 30) if quick else (3000, 400)
    plain = _plain_otel(batched_n)
    with workdir("sdk-cost") as folder, emulator(folder) as running:
        batched, sent_a = _honeyhive(running, batched_n, disable_batch=False)
        unbatched, sent_b = _honeyhive(running, unbatched_n, disable_batch=True)

        def arrived() -> int:
            return sum(p["span_count"] for p in running.control.payloads(running.project))

        wait_for(arrived, lambda n: n >= sent_a + sent_b, what="every span sent", timeout=30)
    baseline = "plain OTel span, no-op exporter"
    return [
        Figure(
            "sdk_cost",
            "HoneyHive span on the app thread, batched",
            batched,
            "µs/span",
            plain,
            baseline,
            detail={"spans": batched_n},
        ),
        Figure(
            "sdk_cost",
            "HoneyHive span on the app thread, disable_batch=True",
            unbatched,
            "µs/span",
            plain,
            baseline,
            detail={"spans": unbatched_n},
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sdk_cost", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few spans: checks the machinery")
    args = parser.parse_args(argv)
    print(table(figures(args.quick or quick_from_env())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
