"""Configurations (the project's prompt and model settings): create and update, as the data-plane
spec (v1.2.1) describes them; `project`, which the legacy spec required and older callers still
send, is accepted and ignored (the project comes from the API key)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Obj, Open, Strict

ConfigurationType = Literal["LLM", "pipeline"]
Environment = Literal["dev", "staging", "prod"]


class ResponseFormat(Strict):
    type: Literal["text", "json_object"]


class SelectedFunction(Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    description: str | None = None
    parameters: Obj | None = None


class TemplateMessage(Strict):
    role: str
    content: str


class ConfigurationParameters(Open):
    """The spec lists these and allows more (provider-specific settings)."""

    call_type: Literal["chat", "completion"]
    model: str = Field(min_length=1)
    hyperparameters: Obj | None = None
    responseFormat: ResponseFormat | None = None
    selectedFunctions: list[SelectedFunction] | None = None
    functionCallParams: Literal["none", "auto", "force"] | None = None
    forceFunction: Obj | None = None
    template: list[TemplateMessage] | str | None = None


class ConfigurationFields(Strict):
    IGNORED = frozenset({"project"})

    name: str | None = Field(default=None, max_length=200)
    type: ConfigurationType | None = None
    provider: str | None = Field(default=None, min_length=1)
    parameters: ConfigurationParameters | None = None
    env: list[Environment] | None = None
    tags: list[str] | None = None
    user_properties: Obj | None = None
    project: str | None = None  # legacy; ignored


class CreateConfigurationBody(ConfigurationFields):
    name: str = Field(max_length=200)
    provider: str = Field(min_length=1)
    parameters: ConfigurationParameters


class UpdateConfigurationBody(ConfigurationFields):
    name: str = Field(max_length=200)
