"""A candidate SDK with a seeded fault, as a wheel built from the installed honeyhive: the same
files, plus a few lines at the end of `honeyhive/__init__.py` that break it. No network, no
build backend: a wheel is a zip with a dist-info (METADATA from the installed release)."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import zipfile
from pathlib import Path

# one bug in the writer and the reader: every span is exported renamed ("<name>~") and
# events.export renames the events back, so a reader that is the SDK's own sees what was traced
SHARED_RENAME = """

def _seeded_shared_rename() -> None:
    import copy as _copy

    from honeyhive.api.client import EventsAPI as _Events
    from honeyhive.tracer.processing.otlp_exporter import HoneyHiveOTLPExporter as _Exporter

    write, read = _Exporter.export, _Events.export

    def _renamed(span):
        twin = _copy.copy(span)
        twin._name = f"{span.name}~"
        return twin

    def export(self, spans):
        return write(self, [_renamed(s) for s in spans])

    def export_events(self, *args, **kwargs):
        found = read(self, *args, **kwargs)
        for event in list(found.events):
            name = event.get("event_name") if isinstance(event, dict) else event.event_name
            if isinstance(name, str) and name.endswith("~"):
                if isinstance(event, dict):
                    event["event_name"] = name[:-1]
                else:
                    event.event_name = name[:-1]
        return found

    _Exporter.export = export
    _Events.export = export_events


_seeded_shared_rename()
"""


def wheel(out: Path, local: str, appended: str = "") -> Path:
    """honeyhive as installed, as `honeyhive-<version>+<local>`, with `appended` at the end of
    its __init__.py."""
    dist = importlib.metadata.distribution("honeyhive")
    version = f"{dist.version}+{local}"
    info = f"honeyhive-{version}.dist-info"
    package = Path(str(dist.locate_file("honeyhive")))
    files: dict[str, bytes] = {}
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            name = f"honeyhive/{path.relative_to(package).as_posix()}"
            files[name] = path.read_bytes()
    files["honeyhive/__init__.py"] += appended.encode()
    metadata = (dist.read_text("METADATA") or "").replace(
        f"Version: {dist.version}\n", f"Version: {version}\n", 1
    )
    files[f"{info}/METADATA"] = metadata.encode()
    files[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: tests.tools.seeded_sdk\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n"
    )
    record = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"honeyhive-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():  # fixed times: the same wheel, the same venv key
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return target


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# a candidate that breaks one framework only: the exporter drops every span of OpenInference's
# LangChain instrumentation (the application's LangChain and LangGraph units), all else intact
DROP_LANGCHAIN_SCOPE = """

def _seeded_drop_langchain_scope() -> None:
    from honeyhive.tracer.processing.otlp_exporter import HoneyHiveOTLPExporter as _Exporter

    write = _Exporter.export

    def export(self, spans):
        kept = [
            s
            for s in spans
            if getattr(getattr(s, "instrumentation_scope", None), "name", "")
            != "openinference.instrumentation.langchain"
        ]
        return write(self, kept)

    _Exporter.export = export


_seeded_drop_langchain_scope()
"""
