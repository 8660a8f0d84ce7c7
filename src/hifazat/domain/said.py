"""A sentence kept as its words and its values, not yet as text: so that one refusal reads in
English on the API, the command line and the ledger exactly as it always has, and on a page in
the reader's language, with times in their zone and people and forces by name.

A rule writes `Said(N_("cannot {action} ..."), action=Term("action", a), ...)`; `text()` is the
English every interface keeps; `text(words, name)` is what a page shows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hifazat.domain.times import format_duration, local_text, utc_text
from hifazat.domain.words import Words


@dataclass(frozen=True)
class Ref:
    """An id in a sentence (a person, a force, a user, a decision): English prints the id, as
    the API and the ledger always have; a page prints the name."""

    kind: str
    id: str


@dataclass(frozen=True)
class At:
    """An instant, shown in the deployment's zone: the form a person typed it in."""

    instant: datetime
    zone: str


@dataclass(frozen=True)
class Instant:
    """An instant as the API writes it (UTC, ISO 8601); a page shows it in the deployment's
    zone, in the reader's language."""

    instant: datetime


@dataclass(frozen=True)
class Span:
    """A length of time: '72h' in English's short form, '3 دن' in Urdu."""

    length: timedelta


@dataclass(frozen=True)
class Term:
    """One of the registry's fixed words (an action, a state), translated by its context."""

    context: str
    value: str


#: how a page names what a Ref points at
Namer = Callable[[Ref], str]


def span_text(delta: timedelta, words: Words) -> str:
    """14 days, 36 hours: a period as a person reads it, in `words`' language."""
    seconds = int(delta.total_seconds())
    if seconds % 86400 == 0:
        days = seconds // 86400
        return words.ngettext("{n} day", "{n} days", days).format(n=days)
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return words.ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    minutes = max(1, round(seconds / 60))
    return words.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


def _english(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(_english(v) for v in value)
    if isinstance(value, Said):
        return value.text()
    if isinstance(value, Ref):
        return value.id
    if isinstance(value, At):
        return local_text(value.instant, value.zone)
    if isinstance(value, Instant):
        return utc_text(value.instant)
    if isinstance(value, Span):
        return format_duration(value.length)
    if isinstance(value, Term):
        return value.value
    return str(value)


def _spoken(value: Any, words: Words, name: Namer | None) -> str:
    if isinstance(value, tuple):  # a list, joined as the language joins one
        return words.gettext(", ").join(_spoken(v, words, name) for v in value)
    if isinstance(value, Said):
        return value.text(words, name)
    if isinstance(value, Ref):
        return name(value) if name else value.id
    if isinstance(value, At | Instant):
        return words.when(value.instant)
    if isinstance(value, Span):
        return span_text(value.length, words)
    if isinstance(value, Term):
        return words.pgettext(value.context, value.value)
    return str(value)


@dataclass(frozen=True, init=False)
class Said:
    """A message id (English, with {placeholders}) and the values that fill it."""

    msgid: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, msgid: str, /, **values: Any) -> None:
        object.__setattr__(self, "msgid", msgid)
        object.__setattr__(self, "values", values)

    def __str__(self) -> str:
        return self.text()

    def text(self, words: Words | None = None, name: Namer | None = None) -> str:
        """English as the interfaces have always written it; or in `words`' language, with
        names from `name`."""
        if words is None:
            return self.msgid.format(**{k: _english(v) for k, v in self.values.items()})
        spoken = {k: _spoken(v, words, name) for k, v in self.values.items()}
        return words.gettext(self.msgid).format(**spoken)


def text_of(message: str | Said, words: Words | None = None, name: Namer | None = None) -> str:
    """A message that may be plain English (not yet kept as words) or a Said."""
    return message.text(words, name) if isinstance(message, Said) else message
