"""The coverage state machine, layered status and time parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hifazat.domain.coverage import CoverState, replay
from hifazat.domain.decision import Action, DecisionState
from hifazat.domain.errors import InvalidInput, Refusal
from hifazat.domain.status import layered_status
from hifazat.domain.times import (
    INSTANT_MIN,
    format_duration,
    parse_duration,
    parse_instant,
    period,
    utc_text,
)
from tests.unit.domain.builders import LEADER, SINDH, T0, approved, decision

DAY = timedelta(days=1)


def test_a_full_life() -> None:
    steps = [
        approved(decision(), T0),
        approved(decision(Action.DOWNGRADE, id="d-2", category="standard"), T0 + DAY),
        approved(decision(Action.SUSPEND, id="d-3"), T0 + 2 * DAY),
        approved(decision(Action.RESUME, id="d-4"), T0 + 3 * DAY),
        approved(decision(Action.UPGRADE, id="d-5", category="dedicated"), T0 + 4 * DAY),
        approved(decision(Action.WITHDRAW, id="d-6"), T0 + 5 * DAY),
    ]
    cover = replay(steps, SINDH)
    assert cover is not None and cover.state is CoverState.WITHDRAWN and cover.coverage == "d-1"
    regrant = approved(decision(id="d-7", category="nominal"), T0 + 6 * DAY)
    again = replay([*steps, regrant], SINDH)
    assert again is not None and again.coverage == "d-7" and again.category_id == "nominal"


def test_illegal_steps_are_refused_naming_r_state() -> None:
    with pytest.raises(Refusal) as caught:
        replay([approved(decision(Action.SUSPEND), T0)], SINDH)
    assert caught.value.rule == "R-STATE"
    grant = approved(decision(), T0)
    with pytest.raises(Refusal):
        replay([grant, approved(decision(Action.UPGRADE, id="d-2", category="nominal"), T0)], SINDH)


def test_status_knows_only_what_was_known_then() -> None:
    grant = approved(decision(), T0 + DAY, T0 + 2 * DAY)
    assert grant.state_at(T0 - DAY) is None  # before it was proposed
    assert grant.state_at(T0) is DecisionState.PROPOSED
    status = layered_status(LEADER, [grant], {"sindh-police": SINDH}, T0 + DAY)
    assert status.covers == () and [d.id for d in status.pending] == ["d-1"]
    later = layered_status(LEADER, [grant], {"sindh-police": SINDH}, T0 + 2 * DAY)
    assert [c.category_id for c in later.covers] == ["dedicated"] and later.totals == (8, 2)
    assert grant.state_at(T0 + DAY / 2) is DecisionState.PROPOSED


def test_suspended_cover_is_listed_but_not_deployed() -> None:
    steps = [approved(decision(), T0), approved(decision(Action.SUSPEND, id="d-2"), T0 + DAY)]
    status = layered_status(LEADER, steps, {"sindh-police": SINDH}, T0 + 2 * DAY)
    assert [c.state for c in status.covers] == [CoverState.SUSPENDED]
    assert status.totals == (0, 0)


@pytest.mark.parametrize(
    ("text", "hours"), [("72h", 72), ("180d", 4320), ("30m", 0.5), ("2w", 336)]
)
def test_durations(text: str, hours: float) -> None:
    assert parse_duration(text) == timedelta(hours=hours)


def test_duration_formatting_reads_like_the_policy() -> None:
    assert [format_duration(parse_duration(t)) for t in ("72h", "24h", "14d", "180d")] == [
        "72h",
        "24h",
        "14d",
        "180d",
    ]


@pytest.mark.parametrize("bad", ["72", "3 days", "h", "-1h"])
def test_bad_durations(bad: str) -> None:
    with pytest.raises(InvalidInput):
        parse_duration(bad)


def test_instants_need_an_offset() -> None:
    assert utc_text(parse_instant("2026-01-27T13:00:00+05:00", "at")) == "2026-01-27T08:00:00Z"
    assert utc_text(parse_instant("2026-01-27T08:00:00Z", "at")) == "2026-01-27T08:00:00Z"
    with pytest.raises(InvalidInput) as caught:
        parse_instant("2026-01-27T13:00:00", "--at")
    assert caught.value.field == "--at" and "offset" in caught.value.message
    with pytest.raises(InvalidInput):
        parse_instant("yesterday", "--at")


def test_an_overturned_decision_was_pending_before_its_appeal() -> None:
    from dataclasses import replace

    from hifazat.domain.decision import Hold

    withdraw = approved(decision(Action.WITHDRAW, id="d-2"), T0, T0 + 4 * DAY)
    appealed = replace(withdraw, hold=Hold("ap-1", T0 + DAY, T0 + 2 * DAY, overturned=True))
    assert appealed.state_at(T0 + DAY / 2) is DecisionState.APPROVED
    assert appealed.state_at(T0 + DAY) is DecisionState.HELD
    assert appealed.state_at(T0 + 5 * DAY) is DecisionState.OVERTURNED
    upheld = replace(withdraw, hold=Hold("ap-1", T0 + DAY, T0 + 6 * DAY, overturned=False))
    assert upheld.state_at(T0 + 5 * DAY) is DecisionState.HELD
    assert upheld.state_at(T0 + 6 * DAY) is DecisionState.EFFECTIVE


def test_a_default_period_that_would_start_before_the_range_is_refused_naming_to() -> None:
    # found by schemathesis: `?to=0001-01-01T00:00:00Z` overflowed into a 500
    for too_early in (datetime(1, 1, 1, tzinfo=UTC), INSTANT_MIN + timedelta(days=30)):
        with pytest.raises(InvalidInput) as refused:
            period(None, too_early, T0)
        assert refused.value.field == "to"
    begin, end = period(None, INSTANT_MIN + timedelta(days=400), T0)
    assert end - begin == timedelta(days=365)


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+05:00",  # past the calendar's start once in UTC
        "9999-12-31T23:59:59-12:00",  # past its end
        "1899-12-31T23:59:59Z",
        "2200-01-01T00:00:00Z",
    ],
)
def test_instants_outside_the_range_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_instant(text, "effective_at")
    assert refused.value.field == "effective_at"


@pytest.mark.parametrize("value", [0.5, 12345, True, None])
def test_an_instant_is_never_an_epoch_number(value: object) -> None:
    with pytest.raises(InvalidInput):
        parse_instant(value, "to")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["99999999999d", "36526d", "5300w"])
def test_durations_past_a_century_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_duration(text, "--within")
    assert refused.value.field == "--within"
    assert parse_duration("36525d", "--within") == timedelta(days=36525)
