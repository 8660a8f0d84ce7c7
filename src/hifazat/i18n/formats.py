"""Dates, times and numbers as a reader of each language writes them, in a given zone (Babel's
CLDR data, read by Babel on first use)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import dates, numbers

from hifazat.domain.fields import check_language
from hifazat.i18n.catalogs import translator

#: the CLDR locale each language is written in
LOCALE = {"en": "en_GB", "ur": "ur_PK"}
#: a day no reader can take for another (no 01/02 ambiguity): 31 Jan 2026, 31 جنوری 2026
DAY = {"en": "d MMM y", "ur": "d MMMM y"}


def format_datetime(value: datetime, zone: str, language: str) -> str:
    """An instant in the zone's local time. English keeps the registry's form, 2026-01-30 15:00
    PKT; Urdu reads 30 جنوری 2026، 15:00 پاکستان کا معیاری وقت."""
    check_language(language)
    local = value.astimezone(ZoneInfo(zone))
    if language == "en":
        return local.strftime("%Y-%m-%d %H:%M %Z")
    return dates.format_datetime(
        value, "d MMMM y، HH:mm zzzz", tzinfo=ZoneInfo(zone), locale=LOCALE[language]
    )


def format_date(day: date, language: str) -> str:
    check_language(language)
    return dates.format_date(day, DAY[language], locale=LOCALE[language])


def format_decimal(number: float, language: str) -> str:
    check_language(language)
    return numbers.format_decimal(number, locale=LOCALE[language])


@dataclass(frozen=True)
class Words:
    """Everything text needs to speak one language in one zone: what the domain's notice text
    is handed (domain.words.Words), so the domain itself imports no Babel."""

    language: str
    zone: str

    def gettext(self, message: str) -> str:
        return translator(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translator(self.language).ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return translator(self.language).pgettext(context, message)

    def when(self, value: datetime) -> str:
        return format_datetime(value, self.zone, self.language)

    def day(self, value: date) -> str:
        return format_date(value, self.language)

    def number(self, value: float) -> str:
        return format_decimal(value, self.language)


def words(language: str, zone: str) -> Words:
    check_language(language)
    ZoneInfo(zone)  # a zone that does not exist fails here, not halfway through a notice
    return Words(language, zone)
