"""A rule's message kept as words: the English every interface has always shown, and the same
refusal in Urdu for a page, with times in the zone and people and forces by name."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from hifazat.access.guard import Facts
from hifazat.access.redaction import RESTRICTED_RULE, violation
from hifazat.domain.decision import Action
from hifazat.domain.errors import Restricted, Violation
from hifazat.domain.flags import AdverseEvent, UndeliveredNotice, cluster_flags, notice_flags
from hifazat.domain.rules import authority, notice, reason
from hifazat.domain.rules.context import Stage
from hifazat.domain.said import At, Ref, Said, Span, Term
from hifazat.domain.users import User
from hifazat.i18n import words
from tests.unit.domain.builders import OPERATOR, T0, approved, context, decision

URDU = words("ur", "Asia/Karachi")
WITHDRAW = decision(Action.WITHDRAW, id="d-2", reason_code="resource-redeployment")


def _name(ref: Ref) -> str:
    return {"person": "Farooq Sattar", "user": "Sindh security chief"}.get(ref.kind, ref.id)


def test_english_is_the_message_the_interfaces_always_showed() -> None:
    v = notice.check(context(approved(WITHDRAW, T0, T0 + timedelta(hours=71)), stage=Stage.APPROVE))
    assert v is not None and v.said is not None
    assert v.message == v.said.text()
    assert v.message.startswith("withdraw needs 72h notice: effective no earlier than 2")
    assert "PKT" in v.message and "unless it is an emergency" in v.message


def test_the_notice_rule_in_urdu_tells_karachi_time_in_urdu() -> None:
    v = notice.check(context(approved(WITHDRAW, T0, T0 + timedelta(hours=71)), stage=Stage.APPROVE))
    assert v is not None and v.said is not None
    said = v.said.text(URDU, _name)
    assert "نوٹس لازم ہے" in said  # the sentence is Urdu
    assert "3 دن" in said  # 72 hours told as days, in Urdu
    assert "پاکستان" in said  # the zone as Urdu names it, not UTC
    assert "T" not in said.replace("PKT", "") and "Z" not in said  # no ISO instant
    assert "withdraw" not in said  # the action in Urdu


def test_people_are_named_on_a_page_and_kept_as_ids_in_english() -> None:
    ctx = context(replace(WITHDRAW, provider_id="federal"), actor=OPERATOR, stage=Stage.PROPOSE)
    v = authority.check(ctx)
    assert v is not None and v.said is not None
    assert OPERATOR.id in v.message
    urdu = v.said.text(URDU, _name)
    assert OPERATOR.id not in urdu.replace(f"operator@{ctx.decision.provider_id}", "")
    assert "Sindh security chief" in urdu


def test_a_reason_rule_names_the_field_in_the_readers_words() -> None:
    v = reason.check(context(replace(decision(), reason="too short")))
    assert v is not None and v.said is not None
    assert "وجہ" in v.said.text(URDU) and "characters" in v.message


@pytest.mark.parametrize(
    ("value", "english", "urdu"),
    [
        (Span(timedelta(hours=72)), "72h", "3 دن"),
        (Span(timedelta(hours=5)), "5h", "5 گھنٹے"),
        (Term("action", "withdraw"), "withdraw", None),
        (Ref("person", "farooq-sattar"), "farooq-sattar", "Farooq Sattar"),
    ],
)
def test_each_kind_of_value(value: object, english: str, urdu: str | None) -> None:
    said = Said("{v}", v=value)
    assert said.text() == english
    spoken = said.text(URDU, _name)
    assert spoken == urdu if urdu else spoken != english


def test_an_instant_reads_in_the_zone_in_both_languages() -> None:
    said = Said("{at}", at=At(T0, "Asia/Karachi"))
    assert said.text().endswith("PKT")
    assert "پاکستان" in said.text(URDU)


def test_redaction_speaks_the_form_the_reader_may_see() -> None:
    level_only = Said("level {n}", n=3)
    nothing = Said("the committee must approve")
    v = Violation.of(
        "R-THREAT",
        "assessment {a} sets floor {n}",
        Restricted("p-1", level_only=level_only, nothing=nothing),
        a="ta-1",
        n=3,
    )
    stranger = User("someone", "Someone", frozenset({"operator@x"}))
    seen = violation(stranger, Facts(), v, lambda m: f"<{m}>")
    assert seen == {"rule": RESTRICTED_RULE, "message": "<the committee must approve>"}
    intelligence = User("intel", "Intel", frozenset({"intelligence"}))
    assert violation(intelligence, Facts(), v)["message"] == "assessment ta-1 sets floor 3"


def _event(n: int, at: datetime, kind: str = "withdraws") -> AdverseEvent:
    return AdverseEvent(f"e-{n}", kind, f"p-{n}", "sindh-police", "MQM-P", at)


def test_a_cluster_within_one_instant_says_so_on_a_page() -> None:
    [flag] = cluster_flags([_event(n, T0) for n in range(3)])
    assert flag.said is not None
    english = flag.said.text(words("en", "Asia/Karachi"), _name)
    assert "all at" in english and "between" not in english
    assert "T0" not in english and not re.search(r"\d{4}-\d\d-\d\dT\d\d", english)
    assert "between" in flag.detail  # the API's detail is as it was


def test_a_cluster_in_urdu_names_its_kinds_and_times_in_urdu() -> None:
    events = [_event(1, T0), _event(2, T0 + timedelta(days=1), "ground reports")]
    [flag] = cluster_flags([*events, _event(3, T0 + timedelta(days=2), "downgrades")])
    assert flag.said is not None
    urdu = flag.said.text(URDU, _name)
    assert "زمینی رپورٹیں" in urdu and "ground" not in urdu
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", urdu)


def test_an_undeliverable_notice_on_a_page_names_no_command() -> None:
    dead = UndeliveredNotice("n-1", "p-1", "sindh-police", "mqm-liaison", "liaison", T0, True)
    [flag] = notice_flags([dead])
    assert "hifazat notices requeue" in flag.detail  # the CLI's hint stays on the CLI
    assert flag.said is not None
    page = flag.said.text(words("en", "UTC"), _name)
    assert "hifazat" not in page and "mqm-liaison" not in page
