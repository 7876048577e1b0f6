@epic:llm-workflows @story:decorators-and-enrichment @severity:critical @owner:qa-platform
Feature: Decorated applications and enrichment
  Teams instrument their code with the SDK's decorators and add what they know along the way:
  metadata, metrics, feedback and user properties. Each piece must land on the step that
  recorded it, and a function that fails must still deliver what it recorded before failing.

  Background:
    Given a project that records traces

  Scenario: Traced functions and class methods record their arguments, results and enrichment
    When the decorated ticket desk handles a customer's ticket
    Then the "handle-ticket" step holds the steps "TicketDesk.classify" and "TicketDesk.route"
    And the "TicketDesk.classify" step holds the model call with its token counts
    And every step recorded the values the application gave it
    And no step carries enrichment that another step recorded
    And the session carries the metadata, feedback, metrics and user properties the app gave it

  Scenario: A traced function that fails still delivers its enrichment and its error
    When a decorated function enriches its step and then fails
    Then every step recorded the values the application gave it
    And the "escalate" step failed with an error that mentions "EscalationRefused and no supervisor on shift"

  @known_defect @issue:trace-error-adds-phantom-event
  Scenario: A traced function that fails is recorded as one event
    When a decorated function enriches its step and then fails
    Then the failure is recorded on that one step, with no extra events
