"""Instants on the HTTP surface: the domain's one parser, so a body field and a query parameter
accept and refuse exactly what the command line does (an offset, the registry's range, no
epoch numbers)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Query
from pydantic import BeforeValidator, WithJsonSchema

from hifazat.domain.errors import InvalidInput
from hifazat.domain.fields import check_day
from hifazat.domain.times import INSTANT_MAX, INSTANT_MIN, parse_instant

RANGE = f"the years {INSTANT_MIN.year} to {INSTANT_MAX.year - 1} as written"
#: the range, as JSON Schema can state it for a date-time string
YEARS = r"^(19|20|21)[0-9]{2}-"
assert INSTANT_MIN.year == 1900 and INSTANT_MAX.year == 2200, "YEARS must follow the range"
DESCRIPTION = f"An ISO 8601 instant with an offset (e.g. 2026-01-27T13:00:00+05:00), {RANGE}."


def _instant(value: Any) -> datetime:
    try:
        return parse_instant(value, "time")
    except InvalidInput as error:
        raise ValueError(error.message) from None


Instant = Annotated[
    datetime,
    BeforeValidator(_instant),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "pattern": YEARS, "description": DESCRIPTION}
    ),
]
At = Annotated[Instant | None, Query(description=DESCRIPTION)]
From = Annotated[Instant | None, Query(alias="from", description=DESCRIPTION)]
To = Annotated[Instant | None, Query(alias="to", description=DESCRIPTION)]


def _day(value: Any) -> date:
    try:
        return check_day(value, "from")
    except InvalidInput as error:
        raise ValueError(error.message) from None


#: a calendar day (local), YYYY-MM-DD: the first day of a range; a number is not a day
Day = Annotated[
    date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": YEARS}),
]
FromDay = Annotated[
    Day | None,
    Query(
        alias="from",
        description="The first day (local), YYYY-MM-DD; today in the deployment's zone by default.",
    ),
]
