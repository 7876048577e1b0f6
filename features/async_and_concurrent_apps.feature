@epic:llm-workflows @story:concurrency @severity:critical @owner:qa-platform
Feature: Async and concurrent applications
  Production services do several things at once: they fan a request out over asyncio tasks or
  worker threads, and they serve many users at the same time from one process. The trace must
  keep every piece of work under the request that started it, and every user's work in that
  user's own session.

  Background:
    Given a project that records traces

  Scenario Outline: Lookups fanned out with <way> keep their place in the tree
    When the service looks up its products at once with <way>
    Then every lookup hangs under the "compare-products" step that started it
    And each lookup holds its own model call, asked about its own product
    And the lookups were in flight at the same time

    Examples:
      | way            |
      | asyncio tasks  |
      | worker threads |

  Scenario: Two users served at the same time by one service never share a session
    When two users chat with the service at the same time
    Then each user's session holds only that user's turns and their model calls
    And the users' sessions were served at the same time
