@epic:sdk-findings @story:documented-behaviour @owner:qa-platform
Feature: SDK behaviour promised by its documentation
  Each scenario expects what the HoneyHive SDK documents. Those tagged @known_defect fail
  today because the SDK departs from its documentation: they run as strict expected failures,
  so the suite stays green while the defect exists and turns red the day it is fixed.

  Background:
    Given a project that records traces

  @known_defect @emulator_only @severity:normal @issue:batch-size-ignored
  Scenario: A tracer told to batch 10 spans sends them at most 10 per export
    When the application traces 100 steps in one session, batching 10 spans and flushing every 0.5 seconds
    Then the backend holds every step of the session exactly once
    And the backend received them in exports of at most 10 spans each

  @known_defect @severity:critical @issue:with-session-leaks
  Scenario: Steps traced after a scoped session block go back to the tracer's own session
    When a step is traced inside a scoped session block and another step after the block
    Then the "inside-scoped-session" step is stored in the scoped session
    And the "after-scoped-session" step is stored in the tracer's own session

  @known_defect @emulator_only @severity:critical @issue:flush-hides-failures
  Scenario: A flush after refused exports reports the failure
    When the backend refuses every trace export with status 503 and the application flushes
    Then the backend refused the export
    And the flush reports that the export failed

  @known_defect @severity:minor @issue:hh-session-name-ignored
  Scenario: The session name can be given through HH_SESSION_NAME
    When a tracer is started with its session name given only in HH_SESSION_NAME
    Then the session is stored under the name from HH_SESSION_NAME

  @known_defect @severity:critical @issue:mistyped-url-goes-to-production
  Scenario: A mistyped HoneyHive URL is refused, not replaced by the production cloud
    When the application builds its HoneyHive client with the URL "htp://127.0.0.1:8080"
    Then the client sends to the URL it was given, or refuses it
