"""Every string the sources mark for translation has a confirmed Urdu translation: the test
extracts the messages as `pybabel extract` does (src/hifazat/i18n/babel.cfg, the Python
sources and the web's templates), so a new string without Urdu fails the suite, as does an
entry left fuzzy or empty, a translation that drops or invents a {placeholder}, or one no
source uses any more."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import hifazat
from hifazat.i18n import KEYWORDS, catalog_path

SRC = Path(hifazat.__file__).parent.parent
CONFIG = SRC / "hifazat" / "i18n" / "babel.cfg"
Key = tuple[str | None, str]


def extracted(root: Path = SRC) -> dict[Key, str]:
    """Each marked message, keyed by (context, msgid), with where it was first found."""
    with CONFIG.open() as f:
        method_map, options_map = parse_mapping_cfg(f, str(CONFIG))  # type: ignore[no-untyped-call]
    keywords = {**DEFAULT_KEYWORDS, **KEYWORDS}
    found: dict[Key, str] = {}
    for name, line, message, _comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple | list) else message
        found.setdefault((context, msgid), f"{name}:{line}")
    return found


def urdu() -> Catalog:
    with catalog_path("ur").open("rb") as f:
        return read_po(f)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w*)\}", text))


def _texts(value: object) -> tuple[str, ...]:
    """A message's id or translation as its forms (one, or singular and plurals)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple | list):
        return tuple(str(v or "") for v in value)
    return ("",)


def _problems(found: dict[Key, str], catalog: Catalog) -> list[str]:
    entries: dict[Key, Message] = {}
    for entry in catalog:
        if entry.id:
            entries[(entry.context, _texts(entry.id)[0])] = entry
    problems = []
    for key, where in sorted(found.items(), key=lambda kv: kv[1]):
        m = entries.get(key)
        if m is None:
            problems.append(f"{where}: {key[1]!r} has no Urdu entry")
            continue
        strings, ids = _texts(m.string), _texts(m.id)
        if m.fuzzy:
            problems.append(f"{where}: {key[1]!r} is fuzzy (unconfirmed)")
        elif not all(strings):
            problems.append(f"{where}: {key[1]!r} has an empty Urdu translation")
        elif any(_placeholders(s) != _placeholders(ids[-1]) for s in strings):
            problems.append(f"{where}: {key[1]!r}: the Urdu drops or adds a {{placeholder}}")
    for key in sorted(set(entries) - set(found), key=str):
        problems.append(f"{catalog_path('ur')}: {key[1]!r} is used by no source any more")
    return problems


def test_every_marked_string_has_a_confirmed_urdu_translation() -> None:
    found = extracted()
    assert len(found) > 50, "the notice's words are found"
    assert _problems(found, urdu()) == []


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ('_("A string nobody translated")', "'A string nobody translated' has no Urdu entry"),
        ('N_("Decision: {value}")', ""),
        ('ngettext("{n} day", "{n} days", 2)', ""),
        ('pgettext("action", "retire")', "'retire' has no Urdu entry"),
    ],
)
def test_a_new_string_without_urdu_is_caught(tmp_path: Path, source: str, said: str) -> None:
    """What the check above would say of a new source file (so it can fail, and does)."""
    package = tmp_path / "hifazat" / "web"
    package.mkdir(parents=True)
    (package / "added.py").write_text(f"def words(_, N_, ngettext, pgettext):\n    {source}\n")
    problems = [p for p in _problems(extracted(tmp_path), urdu()) if "used by no source" not in p]
    assert problems == ([f"hifazat/web/added.py:2: {said}"] if said else [])


def test_fuzzy_empty_and_misplaced_translations_are_caught() -> None:
    catalog = urdu()
    found = extracted()
    catalog["Decision: {value}"].flags.add("fuzzy")
    catalog["Provider: {value}"].string = ""
    catalog["About: {value}"].string = "کس کے بارے میں"
    said = "\n".join(_problems(found, catalog))
    assert "'Decision: {value}' is fuzzy" in said
    assert "'Provider: {value}' has an empty Urdu translation" in said
    assert "'About: {value}': the Urdu drops or adds a {placeholder}" in said


def test_a_template_string_is_extracted(tmp_path: Path) -> None:
    templates = tmp_path / "hifazat" / "web" / "templates"
    templates.mkdir(parents=True)
    (templates / "page.html.j2").write_text("<p>{{ _('Not yet in Urdu') }}</p>\n")
    assert extracted(tmp_path)[(None, "Not yet in Urdu")] == (
        "hifazat/web/templates/page.html.j2:1"
    )
