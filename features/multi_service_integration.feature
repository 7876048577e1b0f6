@epic:llm-workflows @story:multi-service @severity:critical @owner:qa-platform
Feature: Multi-service integration
  An application that calls a model and then processes the answer in a tool must show both
  steps in HoneyHive, with their kinds and with the model's reply exactly as the app received it.

  Background:
    Given a project that records traces

  Scenario: A model call and a tool step come back with their types and the model's reply
    When the application asks the model a question and post-processes the answer in one session
    Then the session holds exactly these steps, in this order:
      | step            | kind  |
      | openai-call     | model |
      | data-processing | tool  |
    And the "openai-call" step holds the model call with its token counts
    And the model's reply is recorded on the "openai-call" step as the app received it
    And every step recorded the values the application gave it
