"""The field rules: the table of invisible characters is Unicode's, the pattern the API documents
is the rule the check applies, and what `shown` prints can no longer act on its surroundings."""

from __future__ import annotations

import re
import sys
import unicodedata
from datetime import UTC, datetime

import pytest

from hifazat.domain import fields
from hifazat.domain.errors import InvalidInput

#: every BMP character but the surrogates, and the supplementary ranges the table names
SAMPLE = [
    *range(0xD800),
    *range(0xE000, 0x10000),
    *(c for lo, hi in fields.FORMAT_RANGES if lo > 0xFFFF for c in range(lo - 2, hi + 3)),
    0x1F600,
    0x10FFFF,
]


def _accepted(text: str, rule: fields.TextRule) -> bool:
    try:
        fields.check_text(text, rule, "f")
    except InvalidInput:
        return False
    return True


def test_every_format_character_but_the_joiners_is_in_the_table() -> None:
    table = {c for lo, hi in fields.FORMAT_RANGES for c in range(lo, hi + 1)}
    unicode_cf = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert unicode_cf - table == {0x200C, 0x200D}
    assert table >= fields.BIDI_CONTROLS


@pytest.mark.parametrize("rule", [fields.NAME, fields.REASON, fields.SECRET])
def test_the_documented_pattern_is_the_rule_applied(rule: fields.TextRule) -> None:
    """On the Basic Multilingual Plane, which is all a JSON Schema pattern can name alike for
    every reader; above it the server refuses what the pattern lets through."""
    pattern = re.compile(rule.json_pattern)
    disagree = [
        hex(c)
        for c in SAMPLE
        if c <= 0xFFFF and bool(pattern.fullmatch(f"a{chr(c)}b")) != _accepted(f"a{chr(c)}b", rule)
    ]
    assert disagree == []
    assert "\\U" not in rule.json_pattern  # no escape ECMA-262 would read as a letter
    if not rule.secret:
        astral = [c for c in SAMPLE if c > 0xFFFF and not _accepted(f"a{chr(c)}b", rule)]
        assert astral  # still refused, though the pattern cannot say so


def test_shown_text_holds_nothing_a_field_refuses_and_keeps_urdu() -> None:
    every = "".join(chr(c) for c in SAMPLE)
    for inline in (False, True):
        shown = fields.shown(every, inline=inline)
        assert _accepted(shown.replace("\r\n", "\n"), fields.TextRule("x", 10**7, not inline))
    urdu = "وزیر\u200cاعلیٰ سندھ"
    assert fields.shown(urdu) == urdu
    assert fields.isolated(urdu) == f"\u2068{urdu}\u2069"
    assert fields.shown("a\u202eb\r\nc\rd") == "a<U+202E>b\r\nc<U+000D>d"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("bad/id", "is not an id"),
        ("-lead", "is not an id"),
        ("x" * 65, "is not an id"),
        ("ok\n", "is not an id"),
        ("d-\u202e1", "is not an id"),
        (12, "is not an id"),
    ],
)
def test_ids(value: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        fields.check_ident(value, "id")
    assert fields.check_ident("d-006_x.1", "id") == "d-006_x.1"


@pytest.mark.parametrize("value", [12345, 1.5, True, None, [], "2026-01-27T08:00:00"])
def test_an_instant_is_text_with_an_offset(value: object) -> None:
    with pytest.raises(InvalidInput):
        fields.check_instant(value, "decided_at")
    at = fields.check_instant("2026-01-27T08:00:00+05:00", "decided_at")
    assert at == datetime(2026, 1, 27, 3, tzinfo=UTC)


def test_limits_are_inclusive() -> None:
    assert _accepted("x" * 4000, fields.REASON)
    assert not _accepted("x" * 4001, fields.REASON)
    with pytest.raises(InvalidInput, match="from 0 to 1,000,000"):
        fields.check_count(1_000_001, "personnel", 0, fields.COUNT_MAX)
    assert fields.rule_for(4000) is fields.REASON
    assert fields.rule_for(200) is fields.NAME


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), -1.0, 1e10])
def test_a_rate_is_a_finite_amount(rate: float) -> None:
    with pytest.raises(InvalidInput, match="must be an amount from 0"):
        fields.check_rate(rate, "--officer-day-rate")
    assert fields.check_rate(1250.5, "--officer-day-rate") == 1250.5
