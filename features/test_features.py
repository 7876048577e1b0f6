"""Binds every feature file in this folder; the steps live in steps/ (see docs/steps.md)."""

from pytest_bdd import scenarios

scenarios(".")
