@epic:evaluation @story:experiments-and-datasets @severity:critical @owner:qa-platform
Feature: Experiments and datasets
  A team checks a change to its LLM application by running it over a dataset stored in
  HoneyHive and scoring every answer with evaluators. Each datapoint must be answered once, in a
  session of its own that is linked to the experiment run and to the datapoint and holds the
  model call and every evaluator's score. The run's results must summarise each evaluator over
  all datapoints, lose nothing when an evaluator fails, and everything the experiment created
  must be removable afterwards.

  Background:
    Given a project that records traces
    And a dataset of 3 questions with their expected answers

  Scenario: Each datapoint is answered once, in a session linked to the run and the datapoint
    When the application is evaluated over the dataset
    Then the experiment run holds one session for each datapoint of the dataset
    And each session is linked to the experiment run and to its datapoint
    And each session holds the model call that answered its datapoint's question, with token counts
    And each session records the application's answer and the datapoint's expected answer
    And each session holds every evaluator's score for its datapoint

  Scenario: The run's results summarise every evaluator over all datapoints
    When the application is evaluated over the dataset
    Then the run's results list every datapoint of the dataset with its session
    And the run's results hold every score the evaluators returned, by datapoint
    And the run's results give each evaluator's average over the scores it returned

  Scenario: An evaluator that fails on one datapoint loses no other result
    When the application is evaluated over the dataset with an evaluator that fails on one datapoint
    Then the run's results list every datapoint of the dataset with its session
    And the run's results hold every score the evaluators returned, by datapoint
    And the datapoint the evaluator failed on has no score from that evaluator

  Scenario: Removing an experiment leaves nothing of it behind
    Given an experiment over the dataset whose sessions and results are stored
    When the experiment run, its sessions, the dataset and its datapoints are removed
    Then nothing of the experiment is left in the project

  @known_defect @issue:evaluator-failure-unrecorded
  Scenario: An evaluator's failure is recorded with the datapoint it failed on
    When the application is evaluated over the dataset with an evaluator that fails on one datapoint
    Then the run's results show that the evaluator failed on that datapoint

  @known_defect @issue:run-metrics-not-raw
  Scenario: The run's raw metrics list each datapoint's scores
    When the application is evaluated over the dataset
    Then the run's raw metrics list every evaluator's score for each datapoint

  @known_defect @issue:evaluate-leaves-tracers-running
  Scenario: An evaluation stops the tracers it started
    When the application is evaluated over the dataset
    Then no tracer the evaluation started is still running
