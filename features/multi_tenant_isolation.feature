@epic:security @story:multi-tenant @severity:blocker @owner:qa-platform @needs_second_tenant
Feature: Multi-tenant isolation
  Two projects (two API keys) tracing at the same time must never see each other's data: each
  reads back only its own session and events, and a session id of one project is useless to
  the other.

  Background:
    Given two projects, each with its own API key

  Scenario: Two projects trace side by side and each sees only its own data
    When both projects trace a session with a model call at the same time
    Then each project sees its session with only its own events
    And each project's model call is stored under its own "-operation" step
    And neither project can read the other's session by its id
