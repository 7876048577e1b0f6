Feature: Steps combined in ways that cannot work
  Each scenario combines a Then, or a fault, with a When that cannot produce what it needs;
  each must fail with one sentence in the domain's words (tests/suite/test_combinations.py).

  Background:
    Given a project that records traces
    And an application with these steps:
      | step   | kind | does              |
      | answer | tool | takes the request |

  Scenario: A retrieval Then after a request to your application
    When a user sends the request "Where is my order?"
    Then the retrieval step holds the embedding of the question

  Scenario: A one-session Then after many users
    When 2 users each send 1 requests at the same time
    Then the session holds exactly these steps, in this order:
      | step   | kind |
      | answer | tool |

  Scenario: A model fault with an application that never calls the model
    Given the model will answer the next 2 requests with status 429
    When a user sends the request "Where is my order?"
    Then no step failed

  Scenario: A model-call Then about a step that made no model call
    When a user sends the request "Where is my order?"
    Then every model call under "answer" holds the messages the application sent
