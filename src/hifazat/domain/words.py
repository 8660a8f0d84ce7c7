"""How text speaks a language: what the words of a notice (and later of the web) are handed, so
that the domain composes text in any language without importing Babel or reading a catalog.
hifazat.i18n provides the real thing; `English` is the message ids as they stand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from hifazat.domain.times import local_text


class Words(Protocol):
    """One language in one zone: its catalog and how it writes times (hifazat.i18n.Words)."""

    @property
    def language(self) -> str: ...
    @property
    def zone(self) -> str: ...
    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int) -> str: ...
    def pgettext(self, context: str, message: str) -> str: ...
    def when(self, value: datetime) -> str: ...
    def day(self, value: date) -> str: ...


def day_text(day: date) -> str:
    """31 Jan 2026: a date no reader can take for another (no 01/02 ambiguity)."""
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class English:
    """The message ids as they are, in English's forms: what text reads without a catalog."""

    zone: str = "UTC"
    language: str = "en"

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        return message

    def when(self, value: datetime) -> str:
        return local_text(value, self.zone)

    def day(self, value: date) -> str:
        return day_text(value)


def N_(message: str) -> str:
    """Marks a string for the catalogs where it is kept, to be translated where it is used."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """As N_, for a word whose sense its context says (an action named in one word)."""
    return context, message
