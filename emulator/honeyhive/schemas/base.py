"""What every request body model shares: strict types, and unknown keys refused (`Strict`) or
kept (`Open`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

Obj = dict[str, Any]
Id = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Open(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
