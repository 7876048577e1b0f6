@epic:llm-workflows @story:streaming @severity:critical @owner:qa-platform
Feature: Streamed completions
  Chat products show the model's answer as it is generated. The trace of a streamed call must
  hold the whole answer the user saw and the token usage the model sent at the end of the
  stream, exactly as for a call answered in one piece.

  Background:
    Given a project that records traces

  Scenario: A streamed answer is recorded whole, with the usage sent in the last chunk
    When the chat front end streams the model's answer to the user
    Then the "streamed-answer" step holds the model call with its token counts
    And the model call under "streamed-answer" records the whole text the user saw
    And the model call under "streamed-answer" carries the usage from the last chunk
    And the model call under "streamed-answer" is recorded as streamed

  Scenario: A stream the user stops reading is still recorded, with the part the user saw
    When the user stops reading the streamed answer after 3 chunks
    Then the model call under "streamed-answer" records the part the user saw
