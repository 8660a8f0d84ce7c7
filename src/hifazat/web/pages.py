"""Rendering: one Jinja2 environment; every page in its reader's language (Urdu right to left),
its times in the deployment's zone, its people and forces by name."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.dates import get_timezone_name
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from hifazat.access.guard import may_ever
from hifazat.domain.errors import InvalidInput
from hifazat.domain.fields import DEFAULT_LANGUAGE, LANGUAGES, isolated, shown
from hifazat.domain.times import parse_instant
from hifazat.domain.users import role_parts
from hifazat.i18n import format_date, format_datetime, format_decimal, translator
from hifazat.services.unit_of_work import UnitOfWork
from hifazat.serving.requests import of_request
from hifazat.web import charts
from hifazat.web.names import Names

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Escape everything: the templates end in .j2, which Jinja's extension guess would not escape.
templates.env.autoescape = True


def _finalize(value: Any) -> Any:
    """Every value a template prints: a control or invisible format character (a right-to-left
    override among them) shown as a visible <U+XXXX> rather than acting on the page."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return shown(value)
    return value


def bdi(value: Any) -> Markup:
    """Free text (a name, a reason; often Urdu) in its own direction: <bdi> isolates it, so a
    right-to-left value neither reorders nor is reordered by what stands around it."""
    return Markup("<bdi>{}</bdi>").format(shown("" if value is None else str(value)))


def _isolate(value: Any) -> Markup:
    """The same, for where no element may stand (an <option>, the <title>): U+2068...U+2069."""
    return Markup.escape(isolated("" if value is None else str(value)))


def _may(who: Any, action: str) -> bool:
    """Whether the signed-in user may ever use the action, for what the page offers them."""
    return who is not None and may_ever(who.user, action)


templates.env.finalize = _finalize
templates.env.globals["may"] = _may
templates.env.globals["role_parts"] = role_parts
# the charts (web/charts.py) take the page's own words and formatters, so they draw in the
# reader's language
templates.env.globals["charts"] = charts
templates.env.filters["bdi"] = bdi
templates.env.filters["isolate"] = _isolate


def zone_of(uow: UnitOfWork) -> str:
    with uow.reading():
        try:
            return uow.repo.policy().timezone
        except InvalidInput:
            return "UTC"


#: the reader's choice of language, made with the switch on every page; it outlasts sign-out
LANGUAGE_COOKIE = "hifazat_lang"


def language_for(request: Request, who: Any) -> str:
    """The language a page is written in: the reader's switch, else the signed-in user's own
    language, else what the browser asks for, else English."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    if who is not None:
        return str(who.user.language)
    asked = request.headers.get("accept-language", "").strip().lower()
    return "ur" if asked.startswith("ur") else DEFAULT_LANGUAGE


def _arguments(values: dict[str, Any]) -> dict[str, Any]:
    """What fills a sentence's {placeholders}: markup as it is, anything else shown safely."""
    return {k: v if isinstance(v, Markup) else shown(str(v)) for k, v in values.items()}


class Speech:
    """One page's words: the catalog's sentences, with {placeholders} filled and escaped, and
    times, days and numbers as the reader writes them, in the deployment's zone."""

    def __init__(self, language: str, zone: str) -> None:
        self.language, self.zone = language, zone
        self._t = translator(language)

    def gettext(self, message: str, **values: Any) -> Markup:
        return Markup.escape(self._t.gettext(message)).format(**_arguments(values))

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> Markup:
        text = self._t.ngettext(singular, plural, n)
        return Markup.escape(text).format(n=self.number(n), **_arguments(values))

    def pgettext(self, context: str, message: str, **values: Any) -> Markup:
        return Markup.escape(self._t.pgettext(context, message)).format(**_arguments(values))

    def local(self, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, str):
            value = parse_instant(value, "time")
        assert isinstance(value, datetime)
        return format_datetime(value, self.zone, self.language)

    def day(self, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return format_date(value, self.language)

    def number(self, value: float) -> str:
        return format_decimal(value, self.language)

    def zone_name(self) -> str:
        """The zone as a reader names it (Pakistan Time, پاکستان کا وقت), its id beside it for
        whoever compares with another system; UTC as itself (CLDR has no region to name)."""
        if self.zone in ("UTC", "Etc/UTC"):
            return "UTC"
        locale = {"en": "en_GB", "ur": "ur_PK"}[self.language]
        return f"{get_timezone_name(self.zone, locale=locale)} ({self.zone})"


def render(
    request: Request, name: str, zone: str, status: int = 200, **context: Any
) -> HTMLResponse:
    language = language_for(request, context.get("who"))
    speech = Speech(language, zone)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    words = {
        "_": speech.gettext,
        "gettext": speech.gettext,
        "ngettext": speech.ngettext,
        "pgettext": speech.pgettext,
        "local": speech.local,
        "day": speech.day,
        "number": speech.number,
        "lang": language,
        "dir": "rtl" if language == "ur" else "ltr",
        "zone": zone,
        "zone_name": speech.zone_name(),
        "here": quote(here, safe="/"),
        "names": Names(of_request(request)),
    }
    return templates.TemplateResponse(request, name, {**words, **context}, status_code=status)
