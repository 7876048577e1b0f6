@epic:data-integrity @story:end-to-end @severity:critical @owner:qa-platform
Feature: End-to-end data flow
  A request that passes through input handling, the model and output handling must reach
  HoneyHive whole: every step recorded once in its session, carrying the request's id, with each
  step's output feeding the next, so that what teams see in HoneyHive is what the app did.

  Background:
    Given a project that records traces

  Scenario: A three-step request reaches the backend intact
    When a request tagged with a unique id passes through input, model and output processing
    Then the session is stored under a name that contains the request's id
    And the session holds exactly these steps, in this order:
      | step              | kind  |
      | input-processing  | tool  |
      | model-processing  | model |
      | output-processing | tool  |
    And every step carries the request's id in its metadata
    And every step recorded the values the application gave it
    And each step's output is the input of the next step
    And every step hangs directly under the session
    And the "model-processing" step holds the model call with its token counts
