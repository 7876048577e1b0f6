@epic:performance @story:high-throughput @severity:normal @owner:qa-platform
Feature: High-throughput batching
  An application that traces many steps quickly must not lose or duplicate any of them: every
  span reaches the backend exactly once, tracing stays fast, and the stored steps keep the
  timing they happened with.

  Background:
    Given a project that records traces

  Scenario Outline: <count> steps traced in batches of <batch> all arrive exactly once
    When the application traces <count> steps in one session, batching <batch> spans and flushing every <interval> seconds
    Then the backend holds every step of the session exactly once
    And tracing them took less than <seconds> seconds
    And the stored steps start within 60 seconds of each other

    Examples:
      | count | batch | interval | seconds |
      | 100   | 50    | 1.0      | 10      |
      | 100   | 10    | 0.5      | 10      |
      | 250   | 100   | 2.0      | 20      |
