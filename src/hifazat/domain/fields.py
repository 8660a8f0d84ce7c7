"""What a field may hold, once for every way in: the scenario import, the command line, the API
and the web pages all check identifiers, free text, counts and instants here, so that a value one
of them refuses is refused by all of them with the same rule.

Free text refuses what a reader cannot see or a database cannot store: NUL and the other control
characters (a line break and a tab only where text may span lines), lone surrogates, the line and
paragraph separators, and the invisible format characters (Unicode category Cf) — among them the
bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), with which a
reason could make what surrounds it read backwards. Zero-width joiner and non-joiner (U+200D,
U+200C) stay allowed: Urdu needs them inside words. Urdu and every other script are otherwise
accepted as they are; on display, `shown` makes any control that reached the database by an older
path visible instead of letting it act."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from hifazat.domain.errors import InvalidInput
from hifazat.domain.said import Said
from hifazat.domain.times import parse_instant
from hifazat.domain.words import N_

#: identifiers of every record and user: ASCII letters, digits, '.', '_' and '-', at most 64
IDENT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

#: the format characters (Unicode category Cf, Unicode 15.1) except ZWNJ and ZWJ, as ranges
FORMAT_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200B),
    (0x200E, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
#: the bidirectional controls, named for their own message
BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _escape(code: int) -> str:
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else (f"\\U{code:08x}")
    )


def _class(ranges: list[tuple[int, int]]) -> str:
    return "".join(_escape(lo) if lo == hi else f"{_escape(lo)}-{_escape(hi)}" for lo, hi in ranges)


_ALWAYS: list[tuple[int, int]] = [
    (0x00, 0x08),
    (0x0B, 0x0C),
    (0x0E, 0x1F),
    (0x7F, 0x9F),
    (0x2028, 0x2029),
    (0xD800, 0xDFFF),
    *FORMAT_RANGES,
]
#: what no free text holds; a single-line field refuses line breaks and tabs besides (prose may
#: hold LF, CRLF and tabs; a lone CR is made visible on display, like every other control)
_BAD_PROSE = _class(_ALWAYS)
_BAD_LINE = _class(_ALWAYS) + r"\t\n\r"
_PROSE = re.compile(f"[{_BAD_PROSE}]")
#: the same without the surrogates, which a JSON Schema (and Rust's regex) cannot name; a lone
#: surrogate never reaches a pattern from JSON text in any case
#: the schema's pattern names the Basic Multilingual Plane only: ECMA-262, whose regular
#: expressions JSON Schema uses, has no escape for the planes above that every reader parses
#: alike; the server still refuses the format characters there
_JSON_PROSE = _class(
    [(lo, min(hi, 0xFFFF)) for lo, hi in _ALWAYS if lo <= 0xFFFF and (lo, hi) != (0xD800, 0xDFFF)]
)
_JSON_LINE = _JSON_PROSE + r"\t\n\r"
_LINE = re.compile(f"[{_BAD_LINE}]")
_SECRET = re.compile(r"[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class TextRule:
    """The limit and the characters of one kind of free text."""

    kind: str
    max_length: int
    #: whether the text may span lines (line breaks and tabs allowed)
    multiline: bool = False
    #: a secret (a password) is never shown, so only what cannot be stored is refused
    secret: bool = False

    @property
    def json_pattern(self) -> str:
        """The same character rule as a JSON Schema pattern, for the API's documentation."""
        if self.secret:
            return r"^[^\x00]*$"
        return f"^[^{_JSON_PROSE if self.multiline else _JSON_LINE}]*$"


#: names of people, providers, categories, offices, parties, policies; agencies; jurisdictions
NAME = TextRule("name", 200)
#: a category's or a party's name; a jurisdiction
SHORT_NAME = TextRule("short name", 100)
#: a reason code as a decision cites it (the policy's codes are identifiers)
REASON_CODE = TextRule("reason code", 64)
#: a role as typed (parse_role checks its shape)
ROLE = TextRule("role", 80)
#: what a policy's reason code means
LABEL = TextRule("label", 500)
#: reasons, grounds of appeal, rulings, ground reports
REASON = TextRule("reason", 4000, multiline=True)
#: a threat assessment's summary
SUMMARY = TextRule("summary", 8000, multiline=True)
#: a password: never displayed, so only NUL and lone surrogates are refused
SECRET = TextRule("secret", 1024, secret=True)

RULES = (NAME, SHORT_NAME, REASON_CODE, ROLE, LABEL, REASON, SUMMARY, SECRET)
_BY_LENGTH = {rule.max_length: rule for rule in RULES}


def rule_for(max_length: int) -> TextRule:
    """The kind whose limit this is (the API's fields name their limit); else prose that long."""
    return _BY_LENGTH.get(max_length) or TextRule("text", max_length, multiline=True)


def check_ident(value: object, field: str) -> str:
    if not isinstance(value, str) or not _IDENT.fullmatch(value):
        raise InvalidInput(
            field,
            f"{_short(value)} is not an id: 1 to 64 of A–Z, a–z, 0–9, '.', '_', '-', "
            "starting with a letter or digit",
        )
    return value


#: the languages the interface speaks (hifazat.i18n holds their catalogs); a person's
#: `language` is one of them, English where none was chosen
LANGUAGES = ("en", "ur")
DEFAULT_LANGUAGE = "en"


def check_language(value: object, field: str = "language") -> str:
    if not isinstance(value, str) or value not in LANGUAGES:
        raise InvalidInput(field, f"{_short(value)} is not a language; choose en or ur")
    return value


def check_text(value: object, rule: TextRule, field: str, min_length: int = 0) -> str:
    """`value`, if it is text of `rule`'s kind; else InvalidInput naming the field and the rule."""
    if not isinstance(value, str):
        raise InvalidInput(field, f"must be text, not {type(value).__name__}")
    if len(value) > rule.max_length:
        raise InvalidInput(
            field,
            Said(
                N_("longer than {limit} characters ({length}), the limit"),
                limit=f"{rule.max_length:,}",
                length=f"{len(value):,}",
            ),
        )
    if len(value) < min_length:
        raise InvalidInput(
            field, Said(N_("must not be empty") if min_length == 1 else N_("is too short"))
        )
    found = (_SECRET if rule.secret else _PROSE if rule.multiline else _LINE).search(value)
    if found:
        raise InvalidInput(
            field, f"{_describe(ord(found.group()))} at character {found.start() + 1}"
        )
    return value


def _describe(code: int) -> str:
    if code in BIDI_CONTROLS:
        return f"U+{code:04X} is a bidirectional control (it reorders the text around it)"
    if code in (0x0A, 0x09, 0x0D):
        return "a line break or tab is not allowed in a one-line field"
    if code == 0:
        return "NUL is not allowed"
    return f"U+{code:04X} is an invisible or control character"


def check_count(value: int, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not low <= value <= high:
        raise InvalidInput(field, f"must be a whole number from {low:,} to {high:,}")
    return value


#: the highest recovery rate per officer-day or vehicle-day
RATE_MAX = 1_000_000_000.0


def check_rate(value: float, field: str) -> float:
    """A rate of money: a finite amount from 0 (not NaN, not infinity)."""
    if not 0 <= value <= RATE_MAX:  # false for NaN too
        raise InvalidInput(field, f"must be an amount from 0 to {RATE_MAX:,.0f}")
    return value


#: officers or vehicles of a pool or a category
COUNT_MAX = 1_000_000
#: the rank of a category of cover (1 the lowest)
RANK_MAX = 100
#: roles one user holds; items of any other list inside one record
MAX_ROLES = 32
MAX_ITEMS = 1000


def check_instant(value: object, field: str) -> datetime:
    """An instant is text with an explicit offset; a number is refused, never read as an epoch."""
    if isinstance(value, datetime):
        return parse_instant(value, field)
    if not isinstance(value, str):
        raise InvalidInput(
            field,
            f"{_short(value)} is not a time: write it as text with an offset, "
            "e.g. 2026-01-27T08:00:00+05:00",
        )
    if len(value) > 64:
        raise InvalidInput(field, "is not a time: longer than 64 characters")
    try:
        return parse_instant(value, field)
    except OverflowError:
        raise InvalidInput(field, f"{_short(value)} is outside the calendar") from None


def check_day(value: object, field: str) -> date:
    """A calendar date written as YYYY-MM-DD; a number is refused."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(field, f"{_short(value)} is not a date written as YYYY-MM-DD")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- display ------------------------------------------------------------------------------------

_HIDDEN = re.compile(f"[{_BAD_PROSE}]|\r(?!\n)")
_HIDDEN_INLINE = re.compile(f"[{_BAD_LINE}]")
FSI, PDI = "\u2068", "\u2069"


def shown(text: str, inline: bool = False) -> str:
    """Text as it may be shown: every control or invisible format character as a visible
    <U+XXXX>, so none of them can act on the text around it; `inline` does the same for line
    breaks and tabs, for output read one line per record."""
    pattern = _HIDDEN_INLINE if inline else _HIDDEN
    return pattern.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


_INVISIBLE = re.compile(f"[{_class([(0x7F, 0x9F), (0x2028, 0x2029), *FORMAT_RANGES])}]")


def json_escaped(text: str) -> str:
    """JSON text (as json.dumps writes it, C0 controls escaped already) with every other control
    or invisible format character as its \\u escape: the same JSON value, inert on a terminal."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        if code < 0x10000:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    return _INVISIBLE.sub(escape, text)


def isolated(text: str) -> str:
    """`shown` text between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, so that a
    right-to-left value (Urdu) keeps its own direction without moving its neighbours."""
    return f"{FSI}{shown(text, inline=True)}{PDI}"
