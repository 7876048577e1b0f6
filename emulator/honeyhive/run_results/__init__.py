"""Experiment run results, computed on read from the stored events (as HoneyHive computes them from
its event store): which sessions belong to a run, the scores their events carry, each metric's
aggregate, pass/fail against passing ranges, and the comparison of two runs. Pure functions over
event documents and run records; nothing here stores anything.

A run's sessions are the session events whose `metadata.run_id` is the run (the SDK's tracers
write it on every span of an evaluation) plus those the run lists in `event_ids`/`session_ids`.
A score is a number or boolean in an event's `metrics` (strings, e.g. an evaluator's
explanation, and nested values are not aggregated, as HoneyHive's numeric columns hold neither).
"""
