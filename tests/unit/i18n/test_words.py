"""The translator and the formats (hifazat.i18n): Urdu from the packaged catalog, English as
the message ids, dates and times in a zone as each language writes them, and the notice's
words in Urdu (the domain's text with i18n's Words handed in)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from hifazat.domain.errors import InvalidInput
from hifazat.domain.notice import headline, subject_line
from hifazat.i18n import (
    catalogs,
    format_date,
    format_datetime,
    format_decimal,
    translator,
    words,
)

NOON_UTC = datetime(2026, 1, 30, 10, 0, tzinfo=UTC)


def test_urdu_comes_from_the_catalog_and_english_is_the_message_id() -> None:
    ur, en = translator("ur"), translator("en")
    assert ur.gettext("What you can do:") == "آپ کیا کر سکتے ہیں:"
    assert en.gettext("What you can do:") == "What you can do:"
    assert ur.pgettext("action", "withdraw") == "واپسی"
    assert en.pgettext("action", "withdraw") == "withdraw"
    assert ur.ngettext("{n} hour", "{n} hours", 1) == "{n} گھنٹہ"
    assert ur.ngettext("{n} hour", "{n} hours", 36) == "{n} گھنٹے"
    assert en.ngettext("{n} hour", "{n} hours", 1) == "{n} hour"
    # a string the catalog lacks reads in English rather than not at all
    assert ur.gettext("Not in any catalog") == "Not in any catalog"


@pytest.mark.parametrize("language", ["fr", "UR", "", "ur_PK"])
def test_a_language_not_spoken_is_refused_by_name(language: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        translator(language)
    assert refused.value.field == "language"
    with pytest.raises(InvalidInput):
        words(language, "Asia/Karachi")


def test_an_unknown_zone_is_refused_before_any_text_is_written() -> None:
    with pytest.raises(KeyError):
        words("ur", "Asia/Karachee")


def test_times_are_local_in_each_languages_form() -> None:
    assert format_datetime(NOON_UTC, "Asia/Karachi", "en") == "2026-01-30 15:00 PKT"
    assert (
        format_datetime(NOON_UTC, "Asia/Karachi", "ur")
        == "30 جنوری 2026، 15:00 پاکستان کا معیاری وقت"
    )
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert format_datetime(summer, "Europe/London", "en") == "2026-07-01 11:00 BST"
    assert format_datetime(summer, "Europe/London", "ur").startswith("1 جولائی 2026، 11:00 ")
    # the local day, not the UTC one
    late = datetime(2026, 1, 30, 20, 0, tzinfo=UTC)
    assert format_datetime(late, "Asia/Karachi", "ur").startswith("31 جنوری 2026، 01:00")


def test_days_and_numbers() -> None:
    assert format_date(date(2026, 2, 1), "en") == "1 Feb 2026"
    assert format_date(date(2026, 2, 1), "ur") == "1 فروری 2026"
    assert format_decimal(1234.5, "en") == "1,234.5"
    assert format_decimal(1234.5, "ur") == "1,234.5"
    w = words("ur", "Asia/Karachi")
    assert (w.day(date(2026, 1, 30)), w.when(NOON_UTC)) == (
        "30 جنوری 2026",
        format_datetime(NOON_UTC, "Asia/Karachi", "ur"),
    )


def test_a_fuzzy_translation_is_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ur" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "hifazat.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "none"\nmsgstr "غلط"\n\n'
        'msgid "Decision: {value}"\nmsgstr "فیصلہ: {value}"\n',
        "utf-8",
    )
    monkeypatch.setattr(catalogs, "LOCALES", tmp_path)
    catalogs._translations.cache_clear()
    try:
        ur = translator("ur")
        assert ur.gettext("none") == "none"
        assert ur.gettext("Decision: {value}") == "فیصلہ: {value}"
    finally:
        catalogs._translations.cache_clear()


BASE: dict[str, Any] = {
    "provider_name": "Sindh Police — Special Security Unit",
    "protectee_name": "Farooq Sattar",
    "action": "downgrade",
    "new_category_name": "Nominal",
    "effective_local": "2026-01-30 15:00 PKT",
}
SSU = BASE["provider_name"]


@pytest.mark.parametrize(
    ("extra", "ahead", "said"),
    [
        ({"subject": "decision"}, True,
         f"{SSU} نے 30 جنوری 2026 سے Farooq Sattar کی سیکیورٹی کم کر کے Nominal کرنے کا فیصلہ "
         "کیا ہے"),
        ({"subject": "decision"}, False,
         f"{SSU} نے 30 جنوری 2026 کو Farooq Sattar کی سیکیورٹی کم کر کے Nominal کرنے کا فیصلہ "
         "نافذ کیا"),
        ({"subject": "appeal", "appeal_outcome": "upheld"}, False,
         f"کمیٹی نے {SSU} کا Farooq Sattar کی سیکیورٹی کم کر کے Nominal کرنے کا فیصلہ برقرار "
         "رکھا"),
        ({"subject": "ratification", "ratified": False}, False,
         f"کمیٹی نے {SSU} کے Farooq Sattar کی سیکیورٹی کم کر کے Nominal کرنے کے ہنگامی فیصلے کی "
         "توثیق سے انکار کر دیا: پچھلی سیکیورٹی بحال کر دی گئی ہے"),
    ],
)  # fmt: skip
def test_a_headline_in_urdu_names_provider_person_and_change(
    extra: dict[str, Any], ahead: bool, said: str
) -> None:
    ur = words("ur", "Asia/Karachi")
    line = headline({**BASE, **extra}, ahead, ur)
    assert line == said
    assert subject_line({"headline": line}, ur) == f"حفاظت: {said}"
