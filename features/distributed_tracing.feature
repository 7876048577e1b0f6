@epic:llm-workflows @story:distributed-tracing @severity:critical @owner:qa-platform
Feature: Distributed tracing across services
  A request often crosses more than one service: the storefront takes an order and asks the
  inventory service, another process, to reserve the stock. HoneyHive must show that request
  as one session and one tree — the inventory service's work under the storefront's call to
  it, every step once, each saying which service and process ran it — also when the inventory
  service fails.

  Background:
    Given a project that records traces

  Scenario: An order that crosses two services lands in one session, in one tree
    When the storefront places an order that the inventory service reserves
    Then every step of both services is stored in the storefront's session
    And each step of both services is stored exactly once
    And the steps form one tree, the inventory service's work under the storefront's call to it
    And every step names the service and the process that ran it

  Scenario: A failure in the inventory service is recorded on both sides and no step is lost
    When the storefront places an order for a product the inventory service has no record of
    Then every step of both services is stored in the storefront's session
    And each step of both services is stored exactly once
    And the "check-inventory" step failed with an error that mentions "no stock record"
    And the "reserve-stock-remotely" step failed with an error that mentions "500"
    And the steps form one tree, the inventory service's work under the storefront's call to it

  @known_defect @issue:context-block-loses-session
  Scenario: A call traced as a block of code carries the session to the other service
    When the storefront places an order that the inventory service reserves, its call to the service traced as a block of code
    Then every step of both services is stored in the storefront's session
    And the steps form one tree, the inventory service's work under the storefront's call to it
