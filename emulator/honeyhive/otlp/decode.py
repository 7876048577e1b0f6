"""Which decoder a trace export goes to: the content encoding is undone first (gzip, within the
body limit), then the content type picks protobuf or JSON; a JSON document that is plain takes
the fast path, any other the validating one.

Decoding is all-or-nothing: a payload either decodes completely or raises BadRequest, so a
malformed export never leads to a partial write.
"""

from __future__ import annotations

import zlib
from typing import Literal

from .. import jsontext
from ..errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from . import json_plain, json_strict, protobuf
from .spans import Span

WireFormat = Literal["json", "protobuf"]
JSON_TYPES = ("application/json",)
PROTOBUF_TYPES = ("application/x-protobuf", "application/protobuf")


def wire_format(content_type: str) -> WireFormat:
    """The format a content type names; UnsupportedMediaType for any other."""
    media = content_type.split(";")[0].strip().lower()
    if media in JSON_TYPES:
        return "json"
    if media in PROTOBUF_TYPES:
        return "protobuf"
    raise UnsupportedMediaType(
        f"unsupported content type {content_type!r} for OTLP traces; "
        "send application/json or application/x-protobuf"
    )


def decompress(body: bytes, encoding: str | None, limit: int) -> bytes:
    """OTLP/HTTP clients may gzip an export (`Content-Encoding: gzip`, e.g. the protobuf exporter
    with OTEL_EXPORTER_OTLP_COMPRESSION=gzip); the inflated body obeys the same size limit."""
    coding = (encoding or "identity").strip().lower()
    if coding == "identity":
        return body
    if coding != "gzip":
        raise UnsupportedMediaType(
            f"unsupported content encoding {encoding!r} for OTLP traces; send gzip or none"
        )
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BadRequest(f"malformed gzip body: {exc}") from exc
    if len(data) > limit or inflater.unconsumed_tail:
        raise PayloadTooLarge(f"request body exceeds the {limit} byte limit once inflated")
    if not inflater.eof:
        raise BadRequest("malformed gzip body: it ends early")
    return data


def decode(body: bytes, content_type: str) -> list[Span]:
    """Decode an export body by its content type; raise BadRequest saying what is wrong."""
    if wire_format(content_type) == "json":
        return decode_json(body)
    return protobuf.decode(body)


def decode_json(body: bytes) -> list[Span]:
    doc = jsontext.loads(body, check_depth=False)
    try:
        return json_plain.decode(doc)
    except json_plain.NotPlain:
        jsontext.check_depth(doc)
    return json_strict.decode(doc)
