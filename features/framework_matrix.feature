@epic:frameworks @story:framework-matrix @severity:critical @owner:qa-platform
Feature: The same application, built with each framework and traced by each instrumentor
  HoneyHive's users build on LangChain, LangGraph, the OpenAI Agents SDK, LiteLLM, the
  Anthropic SDK or the plain OpenAI client, and trace them with OpenInference, Traceloop or
  OpenTelemetry's GenAI instrumentation, attached to HoneyHive's tracer as HoneyHive documents.
  Whatever they chose, HoneyHive must store their requests as it documents: each unit of their
  framework an event of its type under its parent, the model's calls with the conversation,
  the reply and the token counts, the tools with the arguments the model gave and the results
  they returned, and a failure on the unit that failed.

  Background:
    Given a project that records traces
    And an application with these steps:
      | step           | kind  | does                                                   | under          |
      | handle-request | chain | takes the request                                      |                |
      | look-up-order  | tool  | calls the tool "order_status", which returns "shipped" | handle-request |
      | draft-answer   | model | asks the model, which calls the tool "order_status"    | handle-request |

  Scenario Outline: A request is stored as <framework> ran it, traced by <instrumentor>
    Given the application is built with <framework> and traced by <instrumentor>
    When a user sends the request "Where is order 1042?"
    Then the session holds every step as the application ran it, each of its kind under its parent
    And every model request the application sent is stored as one model call
    And every model call under "draft-answer" holds the messages the application sent
    And every model call under "draft-answer" holds the token counts the model answered with
    And the model's reply is recorded on the "draft-answer" step as the app received it
    And the "order_status" step ran with exactly the arguments the model gave
    And the second model call under "draft-answer" received the tool's result
    And every step recorded the values the application gave it

    Examples:
      | framework         | instrumentor        |
      | the OpenAI client | OpenInference       |
      | the OpenAI client | Traceloop           |
      | the OpenAI client | OpenTelemetry GenAI |
      | LiteLLM           | OpenInference       |
      | LiteLLM           | Traceloop           |
      | the Anthropic SDK | OpenInference       |
      | the Anthropic SDK | Traceloop           |

  @known_defect @issue:openinference-langchain-tool-loses-argument-names
  Scenario Outline: A LangChain tool keeps the names of its arguments, in <framework> traced by OpenInference
    Given the application is built with <framework> and traced by OpenInference
    When a user sends the request "Where is order 1042?"
    Then the session holds every step as the application ran it, each of its kind under its parent
    And every model request the application sent is stored as one model call
    And every model call under "draft-answer" holds the messages the application sent
    And every model call under "draft-answer" holds the token counts the model answered with
    And the second model call under "draft-answer" received the tool's result
    And every tool is stored with the arguments it was called with

    Examples:
      | framework |
      | LangChain |
      | LangGraph |

  @known_defect @issue:traceloop-langchain-tool-result-stored-as-message
  Scenario Outline: A tool the model called is stored with the result it returned, in <framework> traced by Traceloop
    Given the application is built with <framework> and traced by Traceloop
    When a user sends the request "Where is order 1042?"
    Then the session holds every step as the application ran it, each of its kind under its parent
    And every model request the application sent is stored as one model call
    And every model call under "draft-answer" holds the messages the application sent
    And every model call under "draft-answer" holds the token counts the model answered with
    And the model's reply is recorded on the "draft-answer" step as the app received it
    And the "order_status" step ran with exactly the arguments the model gave
    And the second model call under "draft-answer" received the tool's result
    And every step recorded the values the application gave it

    Examples:
      | framework |
      | LangChain |
      | LangGraph |

  @known_defect @issue:agent-runs-stored-without-input-or-output
  Scenario: An agent is stored with the question it was given and the answer it gave
    Given the application is built with the OpenAI Agents SDK and traced by OpenInference
    When a user sends the request "Where is order 1042?"
    Then the session holds every step as the application ran it, each of its kind under its parent
    And every model request the application sent is stored as one model call
    And every model call under "draft-answer" holds the messages the application sent
    And every model call under "draft-answer" holds the token counts the model answered with
    And the "order_status" step ran with exactly the arguments the model gave
    And the second model call under "draft-answer" received the tool's result
    And every agent is stored with the question it was given and the answer it gave

  @known_defect @issue:traceloop-agents-tool-stored-without-arguments
  Scenario: An agent's function tool is stored with the arguments the model gave it, traced by Traceloop
    Given the application is built with the OpenAI Agents SDK and traced by Traceloop
    When a user sends the request "Where is order 1042?"
    Then the session holds every step as the application ran it, each of its kind under its parent
    And every model request the application sent is stored as one model call
    And every model call under "draft-answer" holds the messages the application sent
    And every model call under "draft-answer" holds the token counts the model answered with
    And the second model call under "draft-answer" received the tool's result
    And the "order_status" step ran with exactly the arguments the model gave

  Scenario Outline: A tool that fails is stored failed, with its message, in <framework> traced by <instrumentor>
    Given an application with these steps:
      | step           | kind  | does                                     | under          |
      | handle-request | chain | takes the request                        |                |
      | check-payment  | tool  | fails with "card declined by the issuer" | handle-request |
    And the application is built with <framework> and traced by <instrumentor>
    When a user sends the request "Pay for order 1042"
    Then the "check-payment" step failed with an error that mentions "card declined by the issuer"
    And only the steps "handle-request" and "check-payment" failed
    And every failed step is stored with the error the application raised

    Examples:
      | framework             | instrumentor        |
      | the OpenAI client     | OpenInference       |
      | the OpenAI client     | Traceloop           |
      | the OpenAI client     | OpenTelemetry GenAI |
      | LangChain             | OpenInference       |
      | LangGraph             | OpenInference       |
      | the OpenAI Agents SDK | OpenInference       |
      | the OpenAI Agents SDK | Traceloop           |
      | LiteLLM               | OpenInference       |
      | LiteLLM               | Traceloop           |
      | the Anthropic SDK     | OpenInference       |
      | the Anthropic SDK     | Traceloop           |

  @known_defect @issue:traceloop-langchain-failure-loses-its-type
  Scenario Outline: A failure is stored with its type on every unit it ended, in <framework> traced by Traceloop
    Given an application with these steps:
      | step           | kind  | does                                     | under          |
      | handle-request | chain | takes the request                        |                |
      | check-payment  | tool  | fails with "card declined by the issuer" | handle-request |
    And the application is built with <framework> and traced by Traceloop
    When a user sends the request "Pay for order 1042"
    Then the "check-payment" step failed with an error that mentions "card declined by the issuer"
    And only the steps "handle-request" and "check-payment" failed
    And every failed step is stored with the error the application raised

    Examples:
      | framework |
      | LangChain |
      | LangGraph |

  @known_defect @issue:model-call-stored-twice-with-two-instrumentors
  Scenario: A LangChain application that also instruments its OpenAI client stores each model call once
    Given the application is built with LangChain and traced by OpenInference, its OpenAI client instrumented too
    When a user sends the request "Where is order 1042?"
    Then every model request the application sent is stored as one model call

  Scenario: A capped reply and a message in several scripts are stored as the application sent them
    Given an application with these steps:
      | step         | kind  | does                                            | under        |
      | take-message | chain | takes an input of 5 lines of non-ASCII text     |              |
      | summarise    | model | asks the model about the request                | take-message |
    And the application caps each reply at 8 tokens
    And the application is built with LangChain and traced by Traceloop
    When a user sends the request "a complaint in several languages"
    Then the "take-message" step's input is stored whole, all 5 lines of it
    And every model call under "summarise" was capped at 8 tokens
    And every model call under "summarise" holds the messages the application sent
