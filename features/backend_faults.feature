@epic:reliability @story:backend-faults @fault @emulator_only @owner:qa-platform
Feature: Tracing through backend faults
  The HoneyHive backend can refuse, drop or lose an export, be down when an application starts,
  or restart while it runs. Tracing must never break the application, and what the SDK promises
  to deliver must arrive: each scenario counts, by step, what was traced against what arrived.

  Background:
    Given a project that records traces

  @known_defect @severity:critical @issue:json-exporter-drops-on-transient-errors
  Scenario Outline: Trace exports answered with <answer> are retried and nothing is lost
    Given the backend will answer the next 2 trace exports with <answer>
    When the application traces 10 steps in one session and flushes
    Then tracing never raised an error into the application
    And every step the application traced arrives exactly once

    Examples:
      | answer               |
      | status 503           |
      | status 429           |
      | a dropped connection |

  @severity:normal
  Scenario: With the protobuf exporter, trace exports answered with status 503 are retried
    Given the application exports its traces over protobuf
    And the backend will answer the next 2 trace exports with status 503
    When the application traces 10 steps in one session and flushes
    Then tracing never raised an error into the application
    And every step the application traced arrives exactly once

  @severity:critical
  Scenario: An application that starts while the backend is down loses no steps
    When the application starts while its backend is down and traces 6 steps, the backend coming up half-way
    Then tracing never raised an error into the application
    And the tracer started within 10 seconds
    And every step the application traced arrives exactly once

  @known_defect @severity:normal @issue:session-name-lost-when-backend-down
  Scenario: A session started while the backend is down keeps its name
    When the application starts while its backend is down and traces 6 steps, the backend coming up half-way
    Then every step the application traced arrives exactly once
    And the session keeps the name the application gave it

  @severity:critical
  Scenario: A session start slower than the SDK's API timeout does not stop the application
    Given the backend answers the next session start later than the application's 1-second API timeout
    When the application traces 6 steps in one session and flushes
    Then tracing never raised an error into the application
    And the tracer started within 10 seconds
    And every step the application traced arrives exactly once

  @known_defect @severity:normal @issue:session-name-lost-when-backend-down
  Scenario: A session whose start was slower than the SDK's API timeout keeps its name
    Given the backend answers the next session start later than the application's 1-second API timeout
    When the application traces 6 steps in one session and flushes
    Then every step the application traced arrives exactly once
    And the session keeps the name the application gave it

  @severity:critical
  Scenario: A backend killed and restarted mid-run keeps everything it acknowledged
    When the application traces 6 steps while its backend is killed and restarted half-way
    Then tracing never raised an error into the application
    And every step the application traced arrives exactly once
    And the session keeps the name the application gave it
