@epic:reliability @story:model-faults @fault @emulator_only @owner:qa-platform
Feature: Model faults and application-side retries
  A model provider rate-limits, fails or cuts a streamed answer. An application that retries
  its model calls recovers, and every failed attempt stays visible in the trace next to the
  one that succeeded, so a release manager can see what the user's answer cost.

  Background:
    Given a project that records traces

  @severity:critical
  Scenario Outline: The model answers <status> twice; the retry recovers and the trace shows every attempt
    Given the model will answer the next 2 requests with status <status>
    When the assistant answers a question, retrying failed model calls
    Then the model server answered 3 requests for the scenario
    And the "llm-generation" step holds 3 model calls, of which 2 failed

    Examples:
      | status |
      | 429    |
      | 500    |
      | 503    |

  @severity:normal
  Scenario: A streamed answer cut mid-way is retried and both attempts are traced
    Given the model will cut its next streamed answer after 2 chunks
    When the assistant streams its answer, retrying failed model calls
    Then the model server answered 2 requests for the scenario
    And the "llm-generation" step holds 2 model calls, of which 1 failed
