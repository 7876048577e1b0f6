"""Small LLM applications the scenarios drive: real code over a real model, not mocks."""
