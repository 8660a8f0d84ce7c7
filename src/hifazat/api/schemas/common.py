"""What every response model shares: closed objects, instants as the contract writes them, and
pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema

from hifazat.domain.policy import THREAT_LEVELS
from hifazat.domain.times import utc_text
from hifazat.services.schema import OneOf

T = TypeVar("T")


class View(BaseModel):
    """A response body. Closed: a key the service adds but the model does not name fails
    validation, rather than vanishing from the wire."""

    model_config = ConfigDict(extra="forbid")

    def wire(self) -> dict[str, Any]:
        """The body as JSON sends it: what a write route answers and its idempotency key keeps."""
        return self.model_dump(mode="json", by_alias=True)


#: an instant as the contract writes it (UTC, 'Z', seconds unless finer: domain.times.utc_text)
Utc = Annotated[
    datetime,
    PlainSerializer(utc_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]

#: a computed number: an integer stays an integer on the wire (0, not 0.0)
Number = int | float


ThreatLevel = Annotated[str, OneOf(THREAT_LEVELS)]


class Page(View, Generic[T]):
    """A slice of a list (`?limit=&offset=`), and how long the whole list is."""

    items: list[T]
    total: int
    limit: int
    offset: int


class Complement(View):
    personnel: int
    vehicles: int
