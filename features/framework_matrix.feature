@epic:frameworks @story:framework-matrix @severity:critical @owner:qa-platform
Feature: The same application, built with each framework and traced by each instrumentor
  HoneyHive's users build on LangChain, LangGraph, the OpenAI Agents SDK, LiteLLM, the
  Anthropic SDK or the plain OpenAI client, and trace them with OpenInference, Traceloop or
  OpenTelemetry's GenAI instrumentation. Whatever they chose, HoneyHive must store their
  requests as HoneyHive documents it: each unit of their framework an event of its type under
  its parent, the model's calls with the conversation and the token counts, the tools with
  their arguments and results, and the failures on the unit that failed.

  Background:
    Given a project that records traces
    And an application with these steps:
      | step           | kind  | does                                                   | under          |
      | handle-request | chain | takes the request                                      |                |
      | look-up-order  | tool  | calls the tool "order_status", which returns "shipped" | handle-request |
      | draft-answer   | model | asks the model about the request                       | handle-request |

  Scenario Outline: A request is stored as <framework> ran it, traced by <instrumentor>
    Given the application is built with <framework> and traced by <instrumentor>
    When a user sends the request "Where is order 1042?"
    Then the session holds every step as the application ran it, each of its kind under its parent
    And every model call under "draft-answer" holds the messages the application sent
    And every model call under "draft-answer" holds the token counts the model answered with
    And the model's reply is recorded on the "draft-answer" step as the app received it
    And every model request the application sent is stored as one model call
    And every step recorded the values the application gave it

    Examples:
      | framework             | instrumentor        |
      | the OpenAI client     | OpenInference       |
      | the OpenAI client     | Traceloop           |
      | the OpenAI client     | OpenTelemetry GenAI |
      | LangChain             | OpenInference       |
      | LangChain             | Traceloop           |
      | LangGraph             | OpenInference       |
      | LangGraph             | Traceloop           |
      | the OpenAI Agents SDK | OpenInference       |
      | the OpenAI Agents SDK | Traceloop           |
      | LiteLLM               | OpenInference       |
      | LiteLLM               | Traceloop           |
      | the Anthropic SDK     | OpenInference       |
      | the Anthropic SDK     | Traceloop           |
