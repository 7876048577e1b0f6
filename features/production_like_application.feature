@epic:llm-workflows @story:production-like @severity:critical @owner:qa-platform
Feature: Production-like LLM application
  A real assistant validates the user's question, retrieves context from its document store,
  asks the model with the conversation so far, formats the answer and records analytics. Every
  stage must reach HoneyHive in order, and the generation must carry the model's name, its
  settings and real token counts.

  Background:
    Given a project that records traces

  Scenario: A user question is validated, grounded in documents, answered and analysed
    When a user asks the assistant "What are the benefits of machine learning?"
    Then the session holds exactly these steps, in this order:
      | step                | kind  |
      | input-validation    | tool  |
      | context-retrieval   | tool  |
      | llm-generation      | model |
      | response-processing | tool  |
      | analytics           | tool  |
    And the context retrieval found at least 1 relevant document
    And the "llm-generation" step records the model name, temperature, max tokens and token counts
    And the model call under "llm-generation" reports the same model, settings and token counts

  Scenario: Each turn of a conversation sends the model the whole conversation so far
    When a user holds a 3-turn conversation with the assistant
    Then each of the 3 model calls carries the conversation so far: 2, 4 and 6 messages
    And every answer the user saw is part of the next turn's history

  Scenario: Feedback a user gives after an answer is stored on the session
    When a user rates the assistant's answer 4 of 5 saying "clear but short"
    Then the session carries the user's rating and comment as feedback
    And the session carries the user's id in its user properties
