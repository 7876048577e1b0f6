"""The inventory service: a second, real process the storefront calls over HTTP.

Run as `python -m support.app.worker_service`; configured through the environment (see
`WorkerConfig.from_env`). It binds 127.0.0.1 on port 0, prints `listening on URL` once it
serves, answers `GET /health`, and `POST /reservations` reserves stock for an order:

- it has its own HoneyHiveTracer (same project key and backend as the storefront);
- it continues the caller's trace from the request headers (W3C `traceparent` + `baggage`)
  with the SDK's documented server-side helper, `with_distributed_trace_context`;
- it traces its own steps — `reserve-stock` (chain) over `check-inventory` (tool) and a real
  model call that drafts the confirmation — each marked with this process's identity;
- it flushes its spans before it replies; a product it has no record of makes it fail (500),
  with the error recorded on its steps.

Nothing here logs at ERROR: a failed reservation is the scenario, not a server fault.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SERVICE = "inventory-service"
TOP_STEP = "reserve-stock"
CHECK_STEP = "check-inventory"
STOCK = {"KET-BLUE": 42, "PAN-28": 7, "MUG-4": 130}

log = logging.getLogger(SERVICE)


@dataclass(frozen=True)
class WorkerConfig:
    hh_api_key: str = field(repr=False)
    hh_url: str
    source: str
    session_name: str
    model: str
    model_url: str | None
    model_key: str = field(repr=False)

    ENV = (
        "WORKER_HH_API_KEY",
        "WORKER_HH_URL",
        "WORKER_SOURCE",
        "WORKER_SESSION_NAME",
        "WORKER_MODEL",
        "WORKER_MODEL_URL",
        "WORKER_MODEL_KEY",
    )

    @classmethod
    def from_env(cls) -> WorkerConfig:
        env = os.environ
        return cls(
            hh_api_key=env["WORKER_HH_API_KEY"],
            hh_url=env["WORKER_HH_URL"],
            source=env.get("WORKER_SOURCE", "acceptance"),
            session_name=env.get("WORKER_SESSION_NAME", SERVICE),
            model=env["WORKER_MODEL"],
            model_url=env.get("WORKER_MODEL_URL") or None,
            model_key=env["WORKER_MODEL_KEY"],
        )

    def environment(self) -> dict[str, str]:
        """The variables that configure a worker process with this config."""
        values = (
            self.hh_api_key,
            self.hh_url,
            self.source,
            self.session_name,
            self.model,
            self.model_url or "",
            self.model_key,
        )
        return dict(zip(self.ENV, values, strict=True))


class Worker:
    """What the service does per request; the HTTP handler only parses and replies."""

    def __init__(self, config: WorkerConfig) -> None:
        import openai
        from honeyhive import HoneyHiveTracer

        self.tracer = HoneyHiveTracer(
            api_key=config.hh_api_key,
            server_url=config.hh_url,
            session_name=config.session_name,
            source=config.source,
            verbose=False,
        )
        from openinference.instrumentation.openai import OpenAIInstrumentor

        OpenAIInstrumentor().instrument(tracer_provider=self.tracer.provider)
        self.client = openai.OpenAI(
            base_url=config.model_url, api_key=config.model_key, max_retries=0
        )
        self.model = config.model
        self.identity = {"name": SERVICE, "pid": os.getpid()}

    def reserve(self, headers: dict[str, str], order: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        from honeyhive.tracer.processing.context import with_distributed_trace_context

        carrier = {k.lower(): v for k, v in headers.items()}
        try:
            with with_distributed_trace_context(carrier, self.tracer):
                return 200, self._reserve(order)
        except Exception as exc:  # the failure is the reply: 500 with what went wrong
            log.warning("reservation for order %s failed: %s", order.get("order_id"), exc)
            return 500, {"error": f"{type(exc).__name__}: {exc}", "service": self.identity}
        finally:
            self.tracer.flush()

    def _reserve(self, order: dict[str, Any]) -> dict[str, Any]:
        marks = {"service": self.identity, "scenario": {"unique_id": order["order_id"]}}
        with self.tracer.trace(TOP_STEP, event_type="chain"):
            self.tracer.enrich_span(inputs=order, metadata=marks)
            with self.tracer.trace(CHECK_STEP, event_type="tool"):
                self.tracer.enrich_span(inputs={"sku": order["sku"]}, metadata=marks)
                if order["sku"] not in STOCK:
                    raise LookupError(f"no stock record for {order['sku']}")
                units = STOCK[order["sku"]]
                self.tracer.enrich_span(outputs={"units_in_stock": units})
            reply = self.client.chat.completions.create(
                model=self.model,
                messages=[
                    {
                        "role": "user",
                        "content": f"Write one line confirming {order['quantity']} x "
                        f"{order['sku']} reserved.",
                    }
                ],
                max_tokens=16,
                temperature=0,
            )
            note = reply.choices[0].message.content or ""
            result = {
                "order_id": order["order_id"],
                "reserved": min(units, int(order["quantity"])),
                "note": note,
                "service": self.identity,
            }
            self.tracer.enrich_span(outputs=result)
        return result


def handler_for(worker: Worker) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/health":
                self._reply(404, {"error": "not found"})
                return
            self._reply(
                200,
                {
                    "status": "ok",
                    "service": worker.identity,
                    "session_id": str(worker.tracer.session_id),
                },
            )

        def do_POST(self) -> None:
            if self.path != "/reservations":
                self._reply(404, {"error": "not found"})
                return
            length = int(self.headers.get("content-length") or 0)
            try:
                order = json.loads(self.rfile.read(length))
            except json.JSONDecodeError as exc:
                self._reply(400, {"error": f"the body is not JSON: {exc}"})
                return
            self._reply(*worker.reserve(dict(self.headers.items()), order))

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            log.info("%s %s", self.address_string(), format % args)

    return Handler


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    worker = Worker(WorkerConfig.from_env())
    # terminate = a clean exit: serve_forever returns through the finally below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(worker))
    host, port = server.server_address[:2]
    print(f"listening on http://{host!s}:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        worker.tracer.flush()


if __name__ == "__main__":
    main()
