@epic:llm-workflows @story:rag @severity:critical @owner:qa-platform
Feature: Retrieval-augmented generation
  An assistant that answers from a knowledge base must show, for every answer, which documents
  the vector store found, which ones the reranker kept, and that the model was given exactly
  those, so a wrong answer can be traced to a retrieval, a ranking or a generation problem.

  Background:
    Given a project that records traces
    And a knowledge base embedded in the vector store

  Scenario: Retrieval, reranking and generation are recorded as distinct steps with their documents
    When the assistant answers "How do teams keep machine learning models from overfitting?" from the knowledge base
    Then the session holds exactly these steps, in this order:
      | step       | kind  |
      | retrieval  | tool  |
      | reranking  | tool  |
      | generation | chain |
    And the retrieval step holds the embedding of the question
    And the retrieval step records the documents the vector store returned, nearest first
    And the reranking step keeps the best 2 of the retrieved documents, best first
    And the model was given exactly the documents the reranking kept
    And the "generation" step holds the model call with its token counts
    And the model's reply is recorded on the "generation" step as the app received it

  @known_defect @issue:embedding-call-typed-as-tool
  Scenario: The question's embedding is recorded as a model call
    When the assistant answers "What is retrieval augmented generation?" from the knowledge base
    Then the embedding of the question is recorded as a model call with its token count
