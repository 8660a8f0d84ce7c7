"""Instants and durations. Every instant is timezone-aware: a naive one is refused, since a
decision's effective time must never depend on the clock of whoever typed it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from hifazat.domain.errors import InvalidInput

_DURATION = re.compile(r"^\s*(\d{1,9})\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

#: the instants a registry holds: nobody's cover began before 1900 or is planned past 2199, and
#: staying well inside datetime's range means no offset or period arithmetic can overflow
INSTANT_MIN = datetime(1900, 1, 1, tzinfo=UTC)
INSTANT_MAX = datetime(2200, 1, 1, tzinfo=UTC)
#: the longest duration anywhere (a policy period, a look-ahead): a century
DURATION_MAX = timedelta(days=36525)


class Clock(Protocol):
    def __call__(self) -> datetime: ...


def system_clock() -> datetime:
    """Now, to the second: a registry's times are read by people, and finer adds nothing."""
    return datetime.now(UTC).replace(microsecond=0)


def parse_duration(text: str, field: str = "duration") -> timedelta:
    """'72h', '180d', '30m', '2w' — the policy file's durations."""
    match = _DURATION.match(str(text))
    if not match:
        raise InvalidInput(field, f"{text!r} is not a duration such as 72h, 180d or 30m")
    amount, unit = match.groups()
    value = timedelta(**{_UNITS[unit]: int(amount)})
    if value > DURATION_MAX:
        raise InvalidInput(field, f"{text!r} is longer than {DURATION_MAX.days} days")
    return value


def format_duration(delta: timedelta) -> str:
    """Days from a week up, hours below: '72h' reads better than '3d' for a notice period."""
    seconds = int(delta.total_seconds())
    if seconds % 86400 == 0 and seconds >= 7 * 86400:
        return f"{seconds // 86400}d"
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def require_aware(value: datetime, field: str) -> datetime:
    """The instant in UTC, if it carries an offset and its year, as written, lies within the
    registry's range (so the check agrees with what the API's schema states)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(field, f"{value.isoformat()} has no UTC offset; add one, e.g. +05:00")
    if not INSTANT_MIN.year <= value.year < INSTANT_MAX.year:
        raise InvalidInput(
            field,
            f"{value.isoformat()} is outside the registry's range "
            f"(the years {INSTANT_MIN.year} to {INSTANT_MAX.year - 1})",
        )
    return value.astimezone(UTC)


def parse_instant(text: str | datetime, field: str) -> datetime:
    """An ISO 8601 instant with an offset ('Z' accepted), returned in UTC."""
    if isinstance(text, datetime):
        return require_aware(text, field)
    if not isinstance(text, str):  # never an epoch number: 0.5 is not a time anyone meant
        raise InvalidInput(field, f"{text!r} is not an ISO 8601 time with an offset")
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise InvalidInput(field, f"{raw!r} is not an ISO 8601 time with an offset") from None
    return require_aware(value, field)


def utc_text(value: datetime) -> str:
    """The one way instants are written out: UTC, seconds precision unless finer, 'Z'."""
    value = value.astimezone(UTC)
    spec = "seconds" if value.microsecond == 0 else "microseconds"
    return value.isoformat(timespec=spec).replace("+00:00", "Z")


def local_iso(value: datetime, timezone: str) -> str:
    """ISO 8601 with the zone's offset (`+05:00`, never `Z`): the same instant as `utc_text`."""
    local = value.astimezone(ZoneInfo(timezone))
    return local.isoformat(timespec="seconds" if local.microsecond == 0 else "microseconds")


def local_date(value: datetime, timezone: str) -> date:
    """Office dates are calendar dates where the policy applies."""
    return value.astimezone(ZoneInfo(timezone)).date()


def day_start(day: date, timezone: str) -> datetime:
    """The instant a calendar day begins where the policy applies, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def local_text(value: datetime, timezone: str) -> str:
    return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


#: a report's period when none is given: the year up to its end
DEFAULT_PERIOD = timedelta(days=365)


def period(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """`[start, end)`, by default the year up to now; both must carry an offset."""
    stop = require_aware(end, "to") if end is not None else now
    if start is not None:
        begin = require_aware(start, "from")
    elif stop - INSTANT_MIN < DEFAULT_PERIOD:
        raise InvalidInput("to", "too early: a year before it falls before the registry's range")
    else:
        begin = stop - DEFAULT_PERIOD
    if begin > stop:  # an empty period (from = to) is a period, with nothing in it
        raise InvalidInput("from", "the period must not start after it ends")
    return begin, stop
