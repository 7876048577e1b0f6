"""Semantic conventions (OpenInference, Traceloop, OTel GenAI) → HoneyHive buckets: one module
per convention, the table they implement in README.md."""
