@epic:llm-workflows @story:your-application @severity:critical @owner:qa-platform
Feature: An order-tracking assistant described in its own words
  A team shipping an LLM service describes it here, step by step, and states what HoneyHive
  must show for it: every request as it ran, with the team's own step names and kinds, the
  model's real calls, its tools, its failures with the team's own messages, and every user's
  sessions apart — also when several users ask at once, when a request is large, when the
  model rate-limits, and when the tracer sends each step on its own.

  Background:
    Given a project that records traces
    And an application with these steps:
      | step           | kind  | does                                                   | under          |
      | handle-request | chain | takes the request                                      |                |
      | look-up-order  | tool  | calls the tool "order_status", which returns "shipped" | handle-request |
      | draft-answer   | model | asks the model about the request                       | handle-request |
      | format-reply   | tool  | formats the answer                                     | handle-request |

  Scenario: A request is stored as the service ran it, step by step
    When a user sends the request "Where is order 1042?"
    Then the session holds exactly these steps, in this order:
      | step           | kind  | under          |
      | handle-request | chain |                |
      | look-up-order  | tool  | handle-request |
      | draft-answer   | model | handle-request |
      | format-reply   | tool  | handle-request |
    And every step hangs under the step that ran it
    And every step recorded the values the application gave it
    And the "draft-answer" step holds the model call with its token counts
    And every model call under "draft-answer" holds the messages the application sent
    And every model call under "draft-answer" holds the token counts the model answered with
    And no step failed

  Scenario: A user's follow-up requests stay in that user's one session
    When a user sends 3 requests
    Then there is one session per user, 1 in all
    And each user's session holds their 3 requests and nothing of another session
    And every step recorded the values the application gave it

  Scenario: Sessions carry the service's name, its source, the user's rating and the outcome
    Given the application names its sessions "order-desk"
    And the application reports its source as "staging"
    And each user rates their session 4 of 5 saying "quick and right"
    And every session records the metrics:
      | resolved | true |
    When a user sends the request "Where is order 9?"
    Then every session is stored under a name that starts with "order-desk"
    And every session is stored with the source "staging"
    And every session is stored with the rating 4 and the comment "quick and right"
    And every session is stored with the metrics:
      | resolved | true |

  Scenario: Every session carries the release and the user it served
    Given every session carries the metadata:
      | app_version | 2.4.1      |
      | environment | acceptance |
    And every session carries the user properties:
      | plan | premium |
    When a user sends the request "Has order 77 left the warehouse?"
    Then every session is stored with the metadata:
      | app_version | 2.4.1      |
      | environment | acceptance |
    And every session is stored with the user properties:
      | plan | premium |
    And every session is stored with its user's id

  Scenario: Three users asking twice at the same time each get a session of their own
    When 3 users each send 2 requests at the same time
    Then there is one session per user, 3 in all
    And each user's session holds their 2 requests and nothing of another session
    And every session holds exactly these steps, in this order:
      | step           | kind  |
      | handle-request | chain |
    And the users' sessions were served at the same time

  Scenario: Three tenants' users asking at the same time each get a session of their own, in their own project
    When 2 users of each of 3 projects send 2 requests at the same time
    Then there is one session per user, 6 in all
    And each user's session holds their 2 requests and nothing of another session
    And no project can read another project's sessions by their ids

  Scenario: A large request is stored whole
    Given an application with these steps:
      | step           | kind  | does               |
      | handle-request | chain | takes the request  |
      | format-reply   | tool  | formats the answer |
    When a user sends a request of 20000 characters
    Then the "handle-request" step's input is stored whole, all 20000 characters
    And every step recorded the values the application gave it

  Scenario: A large input a step takes on its own is stored whole
    Given an application with these steps:
      | step         | kind | does                               |
      | take-message | tool | takes an input of 50000 characters |
      | summarise    | tool | formats the answer                 |
    When a user sends the request "a long complaint"
    Then the "take-message" step's input is stored whole, all 50000 characters

  Scenario: A retrieval step returns the documents it found, and every step keeps its values
    Given an application with these steps:
      | step             | kind  | does                  | under          |
      | handle-request   | chain | takes the request     |                |
      | search-help-desk | tool  | retrieves 4 documents | handle-request |
      | format-reply     | tool  | formats the answer    | handle-request |
    When a user sends the request "My windscreen cracked on the motorway, am I covered?"
    Then the "search-help-desk" step returned 4 documents
    And every step recorded the values the application gave it

  Scenario: A step that fails is stored with the team's own message, and only that step fails
    Given an application with these steps:
      | step          | kind  | does                                      |
      | check-payment | tool  | fails with "card declined by the issuer" |
    When a user sends the request "Pay for order 1042"
    Then the "check-payment" step failed with an error that mentions "card declined by the issuer"
    And only the "check-payment" step failed
    And every failed step is stored with the error the application raised

  Scenario: A failure deep in the tree fails the steps it ran in, and no other
    Given an application with these steps:
      | step        | kind  | does                          | under |
      | pay         | chain | takes the request             |       |
      | charge-card | tool  | fails with "card declined"    | pay   |
      | send-receipt | tool | formats the answer            | pay   |
    When a user sends the request "Pay for order 1042"
    Then only the steps "pay" and "charge-card" failed
    And the "pay" step failed with an error that mentions "card declined"
    And the session holds exactly these steps, in this order:
      | step        | kind  | under |
      | pay         | chain |       |
      | charge-card | tool  | pay   |

  Scenario: The model looks the order up with a tool and answers from what the tool found
    Given an application with these steps:
      | step    | kind  | does                                          |
      | answer  | chain | asks the model, which calls the tool "order_status" |
    When a user sends the request "Where is order 1042?"
    Then the "answer" step holds these steps, in this order:
      | step         | kind  |
      | ChatCompletion | model |
      | order_status | tool  |
      | ChatCompletion | model |
    And the model call under "answer" asked for the tool "order_status"
    And the "order_status" step ran with exactly the arguments the model gave

  @emulator_only @fault @severity:normal
  Scenario: A rate-limited model call is retried and both attempts are in the trace
    Given the application retries a failed model call up to 2 times
    And the model will answer the next 1 requests with status 429
    When a user sends the request "Where is order 1042?"
    Then the model server answered 2 requests for the scenario
    And the "draft-answer" step holds 2 model calls, of which 1 failed
    And no step failed

  @emulator_only @fault @severity:normal
  Scenario: Without retries a rate-limited model call fails its step and the trace says why
    Given the application never retries a failed model call
    And the model will answer the next 1 requests with status 429
    When a user sends the request "Where is order 1042?"
    Then the "draft-answer" step holds 1 model calls, of which 1 failed
    And the "draft-answer" step failed with an error that mentions "429"
    And only the steps "handle-request" and "draft-answer" failed

  @emulator_only @severity:normal
  Scenario: A batch size set through OpenTelemetry's environment is honoured
    Given the tracer starts with the environment variable OTEL_BSP_MAX_EXPORT_BATCH_SIZE set to "2"
    When a user sends 3 requests
    Then the backend received them in exports of at most 2 spans each
    And the backend holds every step of the session exactly once

  @emulator_only @severity:normal
  Scenario: With batching turned off each step reaches the backend on its own, and none is lost
    Given the tracer exports each step as soon as it ends
    When a user sends the request "Where is order 1042?"
    Then each step reached the backend in an export of its own
    And the backend holds every step of the session exactly once
