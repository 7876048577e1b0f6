"""Scenario-level actions: run one of the apps in a traced session, flush, and describe what
the backend should now hold (a Run)."""
