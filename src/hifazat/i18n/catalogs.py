"""The gettext catalogs: which languages there are, and a translator for each."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from hifazat.domain.fields import DEFAULT_LANGUAGE, check_language

#: the gettext domain (the catalogs' file name)
DOMAIN = "hifazat"
#: what marks a translatable string in the sources, beyond Babel's defaults (_, gettext,
#: ngettext, pgettext...): N_ and NP_ mark words kept in tables and translated where used
KEYWORDS: dict[str, tuple[int | tuple[int, str], ...] | None] = {
    "N_": None,
    "NP_": ((1, "c"), 2),
}
LOCALES = Path(__file__).parent / "locales"


class Translator(NamedTuple):
    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    pgettext: Callable[[str, str], str]


def catalog_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(language: str) -> NullTranslations:
    """The language's catalog, read once and compiled in memory (as `pybabel compile` would,
    and like it leaving out fuzzy entries, so a guess nobody confirmed never reaches a reader).
    English is the message ids themselves; a catalog missing from an install is an error, not
    a notice quietly sent in English."""
    check_language(language)
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    with catalog_path(language).open("rb") as f:
        catalog = read_po(f, locale=language, domain=DOMAIN, ignore_obsolete=True)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translator(language: str) -> Translator:
    """gettext, ngettext and pgettext in `language` ('en' or 'ur'); a message with no
    translation reads in English."""
    t = _translations(language)

    def pgettext(context: str, message: str) -> str:
        return str(t.pgettext(context, message))

    return Translator(t.gettext, t.ngettext, pgettext)
