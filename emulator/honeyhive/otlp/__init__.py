"""OTLP/HTTP trace exports → spans, one decoder per wire format (see `decode.py` for which one a
body goes to)."""
