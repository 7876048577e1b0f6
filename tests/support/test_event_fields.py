from __future__ import annotations

from support.readback.fields import MISSING, field


def test_finds_flat_dotted_keys_and_nested_values_alike() -> None:
    event = {"metadata": {"input.unique_id": "u1", "nested": {"a": {"b": 2}}, "list": [{"x": 1}]}}
    assert field(event, "metadata.input.unique_id") == "u1"
    assert field(event, "metadata.nested.a.b") == 2
    assert field(event, "metadata.list.0.x") == 1
    assert field(event, "metadata.missing") is MISSING
    assert field(event, "outputs.content") is MISSING
