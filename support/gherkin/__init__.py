"""Feature files as pytest collects them: each `.feature` a module of its scenarios, every phrase
checked against the step vocabulary before anything runs."""
