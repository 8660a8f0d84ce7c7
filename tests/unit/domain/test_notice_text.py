"""The words of a notice (domain/notice.py): one line that names the provider, the person and
the change, for each thing a notice tells of."""

from __future__ import annotations

from typing import Any

import pytest

from hifazat.domain.notice import headline, subject_line
from hifazat.domain.words import day_text

BASE: dict[str, Any] = {
    "provider_name": "Sindh Police — Special Security Unit",
    "protectee_name": "Farooq Sattar",
    "action": "downgrade",
    "new_category_name": "Nominal",
    "effective_local": "2026-01-30 15:00 PKT",
}
SSU = "Sindh Police — Special Security Unit"


@pytest.mark.parametrize(
    ("extra", "ahead", "said"),
    [
        ({"subject": "decision"}, True,
         f"{SSU} will downgrade the cover of Farooq Sattar to Nominal on 30 Jan 2026"),
        ({"subject": "decision"}, False,
         f"{SSU} downgraded the cover of Farooq Sattar to Nominal on 30 Jan 2026"),
        ({"subject": "rescission"}, True,
         f"{SSU} will not downgrade the cover of Farooq Sattar to Nominal: its decision is "
         "rescinded"),
        ({"subject": "appeal-lodged"}, True,
         f"Appeal lodged against {SSU}'s decision to downgrade the cover of Farooq Sattar to "
         "Nominal"),
        ({"subject": "appeal", "appeal_outcome": "overturned"}, False,
         f"The committee overturned {SSU}'s decision to downgrade the cover of Farooq Sattar "
         "to Nominal"),
        ({"subject": "ratification", "ratified": False}, False,
         f"The committee refused {SSU}'s emergency decision to downgrade the cover of Farooq "
         "Sattar to Nominal: the previous cover is restored"),
    ],
)  # fmt: skip
def test_each_notice_names_provider_person_and_change(
    extra: dict[str, Any], ahead: bool, said: str
) -> None:
    assert headline({**BASE, **extra}, ahead) == said


def test_a_subject_is_one_line_and_dates_cannot_be_misread() -> None:
    assert subject_line({"headline": "A\r\nBcc: someone@example.org"}) == (
        "Hifazat: A Bcc: someone@example.org"
    )
    from datetime import date

    assert day_text(date(2026, 2, 1)) == "1 Feb 2026"
