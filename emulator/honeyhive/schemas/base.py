"""What every request body model shares: strict types, and unknown keys refused (`Strict`) or
kept (`Open`). A body may also accept fields that HoneyHive documents (in any of its specs, the
legacy one included) and older SDKs or their callers still send, but that the emulator has no
use for: such a model names them in `IGNORED`, and `sent()` leaves them out."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

Obj = dict[str, Any]
Id = Annotated[str, Field(min_length=1)]


class _Body(BaseModel):
    IGNORED: ClassVar[frozenset[str]] = frozenset()

    def sent(self, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The fields the request gave a value (not null), without the ignored ones."""
        return self.model_dump(exclude_none=True, exclude=set(self.IGNORED | exclude))


class Strict(_Body):
    model_config = ConfigDict(extra="forbid", strict=True)


class Open(_Body):
    model_config = ConfigDict(extra="allow", strict=True)
