@epic:llm-workflows @story:agent-tool-calls @severity:critical @owner:qa-platform
Feature: Agents that call tools
  An agent lets the model decide which tool to use: the model asks for a tool with arguments it
  wrote itself, the agent runs that tool and sends the result back, and the model answers. In
  HoneyHive the whole loop must be readable as it happened — the model's request, the tool run
  with exactly the model's arguments, the model's answer built on the tool's result.

  Background:
    Given a project that records traces

  Scenario Outline: The model asks for a tool, the tool runs, the model answers (replies <replies>)
    When the stock desk agent answers a customer's question about a product, with the model's replies <replies>
    Then the session holds exactly these steps, in this order:
      | step        | kind  |
      | stock-agent | chain |
    And the "stock-agent" loop holds these steps, in this order:
      | kind  |
      | model |
      | tool  |
      | model |
    And the tool that ran is the one the model asked for, with exactly the model's arguments
    And the next model call was sent the tool's result
    And the agent's answer is recorded as the app received it

    Examples:
      | replies     |
      | in one go   |
      | streamed    |
