@epic:operations @story:resource-cleanup @severity:normal @owner:qa-platform
Feature: Resource cleanup
  A test run must leave nothing behind: the sessions it created can be removed from the
  backend, and the tracers it started stop their background work. Where a backend cannot
  remove sessions, the scenario says exactly what it had to leave.

  Background:
    Given a project that records traces

  Scenario: Sessions made by a run are all removed and its tracers stopped
    Given 3 traced sessions, each holding one step, stored by the backend
    When the sessions are removed
    Then none of the sessions or their steps is left in the backend
    And no tracer of the scenario is still running
