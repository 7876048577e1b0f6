"""The described application, built with each framework a HoneyHive user builds on.

One module per framework, each a `Pipeline` whose steps run as that framework's own units (see
each module's table); `app_class` imports a framework only when a scenario asks for it, so a
scenario without a framework pays no import cost.
"""

from __future__ import annotations

import importlib

from support.app.pipeline import Pipeline

#: framework -> (module, class); the raw OpenAI client is the plain configurable application
MODULES = {
    "openai": ("support.app.pipeline", "Pipeline"),
    "langchain": ("support.app.frameworks.langchain", "LangChainApp"),
    "langgraph": ("support.app.frameworks.langgraph", "LangGraphApp"),
    "openai_agents": ("support.app.frameworks.openai_agents", "OpenAIAgentsApp"),
    "litellm": ("support.app.frameworks.litellm", "LiteLLMApp"),
    "anthropic": ("support.app.frameworks.anthropic", "AnthropicApp"),
}


def app_class(framework: str) -> type[Pipeline]:
    module, name = MODULES[framework]
    found = getattr(importlib.import_module(module), name)
    assert isinstance(found, type) and issubclass(found, Pipeline)
    return found
