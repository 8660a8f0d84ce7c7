"""Keeping the Urdu catalog whole, for whoever adds a visible string.

    python scripts/catalog.py missing            # every marked string with no confirmed Urdu
    python scripts/catalog.py add FILE.yaml      # appends translations: {msgid: urdu} or
                                                 #   {"context|msgid": urdu}; plurals as a list
    python scripts/catalog.py tidy               # rewrites the catalog sorted, duplicates merged,
                                                 #   entries no source uses dropped

`add` appends at the end of the file (so two branches' additions merge as a union: see
.gitattributes); `tidy` puts the file in Babel's own order afterwards."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.unit.i18n.test_catalogs import _problems, extracted, urdu  # noqa: E402

from hifazat.i18n import catalog_path  # noqa: E402


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def add(path: Path) -> None:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in urdu() if m.id}
    out = []
    for key, urdu_text in entries.items():
        context, _, msgid = key.rpartition("|") if "|" in key else (None, "", key)
        context = context or None
        if (context, msgid) in have:
            continue
        lines = ["", "#, python-brace-format"] if "{" in msgid else [""]
        if context:
            lines.append(f"msgctxt {_quote(context)}")
        if isinstance(urdu_text, list):
            lines += [f"msgid {_quote(msgid)}", f"msgid_plural {_quote(_plural_id(msgid))}"]
            lines += [f"msgstr[0] {_quote(urdu_text[0])}", f"msgstr[1] {_quote(urdu_text[-1])}"]
        else:
            lines += [f"msgid {_quote(msgid)}", f"msgstr {_quote(str(urdu_text))}"]
        out.append("\n".join(lines))
    with catalog_path("ur").open("a", encoding="utf-8") as f:
        f.write("\n".join(out) + ("\n" if out else ""))
    print(f"added {len(out)} entries")


def _plural_id(msgid: str) -> str:
    """The English plural a singular msgid was marked with (ngettext's second argument)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from tests.unit.i18n.test_catalogs import CONFIG, SRC

    from hifazat.i18n import KEYWORDS

    with CONFIG.open() as f:
        method_map, options_map = parse_mapping_cfg(f, str(CONFIG))  # type: ignore[no-untyped-call]
    for _name, _line, message, _c, _ctx in extract_from_dir(
        str(SRC), method_map, options_map, keywords={**DEFAULT_KEYWORDS, **KEYWORDS}
    ):
        if isinstance(message, tuple | list) and message[0] == msgid and len(message) > 1:
            return str(message[1])
    raise SystemExit(f"{msgid!r} is not marked as a plural (ngettext) in any source")


def tidy() -> None:
    path = catalog_path("ur")
    with path.open("rb") as f:
        catalog = read_po(f, locale="ur_PK", domain="hifazat")
    used = set(extracted())
    for message in list(catalog):
        key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
        if message.id and key not in used:
            catalog.delete(message.id, message.context)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, sort_output=True, ignore_obsolete=True)
    print(f"{len(catalog)} entries")


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "missing"
    if command == "missing":
        for problem in _problems(extracted(), urdu()):
            print(problem)
    elif command == "add":
        add(Path(sys.argv[2]))
    elif command == "tidy":
        tidy()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
