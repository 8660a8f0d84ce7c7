"""The interface's words in Urdu and English, and dates, times and numbers as a reader of each
language writes them, in the deployment's zone. Notices use it now; the web is to reuse it.

English is the language of the message ids, so English needs no catalog; Urdu's catalog is
`locales/ur/LC_MESSAGES/hifazat.po`. The catalogs are read from the `.po` files themselves
(Babel's `read_po`) on first use and kept: no compile step, nothing generated to go stale or
be left out of a wheel, and a few hundred strings parse in milliseconds. Importing this package
reads nothing."""

from __future__ import annotations

from hifazat.domain.fields import DEFAULT_LANGUAGE, LANGUAGES, check_language
from hifazat.i18n.catalogs import KEYWORDS, Translator, catalog_path, translator
from hifazat.i18n.formats import Words, format_date, format_datetime, format_decimal, words

__all__ = [
    "DEFAULT_LANGUAGE",
    "KEYWORDS",
    "LANGUAGES",
    "Translator",
    "Words",
    "catalog_path",
    "check_language",
    "format_date",
    "format_datetime",
    "format_decimal",
    "translator",
    "words",
]
