@epic:llm-workflows @story:configurations @severity:normal @owner:qa-platform
Feature: Prompt configurations kept in HoneyHive
  Teams keep the model, its settings and the system prompt of an assistant in HoneyHive, so that
  a change of prompt needs no release. The application fetches the configuration before it calls
  the model; the trace must show that the call used exactly what the project holds.

  Background:
    Given a project that records traces
    And the project holds the configuration "support-answer":
      | model       | gpt-4o-mini                   |
      | temperature | 0.2                           |
      | max_tokens  | 12                            |
      | system      | Answer in one short sentence. |

  Scenario: The model is called with the configuration the project holds
    Given an application with these steps:
      | step         | kind  | does                                                   |
      | draft-answer | model | asks the model with the configuration "support-answer" |
    When a user sends the request "Where is my parcel?"
    Then the model call under "draft-answer" used the configuration "support-answer"
    And every model call under "draft-answer" holds the messages the application sent

  Scenario: A configuration the project does not hold fails the step that asked for it
    Given an application with these steps:
      | step         | kind  | does                                               |
      | draft-answer | model | asks the model with the configuration "no-such-one" |
    When a user sends the request "Where is my parcel?"
    Then the "draft-answer" step failed with an error that mentions "no configuration named"
    And every failed step is stored with the error the application raised

  @known_defect @severity:minor @issue:get-configuration-ignores-id
  Scenario: A configuration fetched by its id is that configuration alone
    Given the project holds the configuration "billing-answer":
      | model  | gpt-4o-mini                 |
      | system | Answer about invoices only. |
    When the application fetches the configuration "support-answer" by its id
    Then the application gets that configuration and no other
