@epic:reliability @story:error-recovery @severity:critical @owner:qa-platform
Feature: Error recovery
  When an application's call to a service fails for real, the failure must not vanish: the
  step that made the call is recorded as failed, with an error that says what went wrong,
  while the rest of the session keeps working.

  Background:
    Given a project that records traces

  @known_defect @issue:refused-call-error-lacks-reason
  Scenario: A call made with an API key that belongs to no project is recorded as a failed step
    When a traced step calls HoneyHive with an API key that belongs to no project
    Then the call was refused as unauthorised
    And the "failing-operation" step failed with the reason the backend gave for refusing the call
    And every step hangs directly under the session
