"""Attendance measured against cover: stints from checks, presence by half a shift, and the
NOMINAL, UNDERSTAFFED and UNAUTHORISED flags from ended shifts alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hifazat.domain.attendance import (
    NOMINAL_SHIFTS,
    Check,
    CheckKind,
    Tally,
    attendance_flags,
    on_duty_now,
    stints,
    tallies,
)
from hifazat.domain.posts import THREE_EIGHTS, Assignment, Detail

ZONE = "Asia/Karachi"
DAY = date(2026, 1, 20)
#: 06:00 in Karachi on DAY, when its morning shift begins
MORNING = datetime(2026, 1, 20, 1, 0, tzinfo=UTC)
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


def _check(
    officer: str, kind: str, at: datetime, post: str = "p1", car: str | None = None
) -> Check:
    return Check(f"ck-{officer}-{kind}-{at.isoformat()}", "sp", officer, post, CheckKind(kind), at,
                 "desk", at, car)  # fmt: skip


def _stint(officer: str, start: datetime, hours: float, post: str = "p1") -> list[Check]:
    return [
        _check(officer, "in", start, post),
        _check(officer, "out", start + timedelta(hours=hours), post),
    ]


def _detail(officers: int = 2, vehicles: int = 0, since: datetime = LONG_AGO) -> Detail:
    return Detail("p1", ((since, officers, vehicles),))


def _tallies(
    checks: list[Check], days: int = 1, detail: Detail | None = None, **kw: object
) -> list[Tally]:
    now = MORNING + timedelta(days=days)
    details = [detail] if detail is not None else [_detail()]
    return tallies(details, checks, [DAY + timedelta(d) for d in range(days)], THREE_EIGHTS, ZONE,
                   now, **kw)  # type: ignore[arg-type]  # fmt: skip


def test_checks_pair_into_stints_in_order() -> None:
    found = stints([*_stint("a", MORNING, 8), _check("b", "in", MORNING)])
    assert [(s.officer, s.end) for s in found] == [("a", MORNING + timedelta(hours=8)), ("b", None)]
    # a second check-in without a check-out closes the first stint where the second begins
    again = stints([_check("a", "in", MORNING), _check("a", "in", MORNING + timedelta(hours=2))])
    assert [(s.start, s.end) for s in again] == [
        (MORNING, MORNING + timedelta(hours=2)),
        (MORNING + timedelta(hours=2), None),
    ]


def test_an_officer_counts_in_the_shift_they_stood_most_of() -> None:
    # 05:50 to 14:10: ten minutes of the night and of the evening, the whole morning
    checks = _stint("a", MORNING - timedelta(minutes=10), 8 + 20 / 60)
    shifts = {t.shift: t for t in _tallies(checks)}
    assert shifts["morning"].present == {"a"}
    assert shifts["evening"].present == frozenset() and shifts["night"].present == frozenset()
    short = _stint("b", MORNING, 3.5)  # less than half the morning
    assert {t.shift: t.present for t in _tallies(short)}["morning"] == frozenset()


def test_nominal_needs_consecutive_empty_shifts_and_short_ones_are_understaffed() -> None:
    # one officer of two in the morning, then nobody for the rest of the day and the next
    counted = _tallies(_stint("a", MORNING, 8), days=2)
    flags = attendance_flags("sp", counted, MORNING + timedelta(days=2))
    rules = {f.rule: f for f in flags}
    assert set(rules) == {"NOMINAL", "UNDERSTAFFED"}
    assert rules["NOMINAL"].since == MORNING + timedelta(hours=8)
    assert (
        rules["NOMINAL"].evidence[0] == "2026-01-20/evening" and len(rules["NOMINAL"].evidence) == 5
    )
    assert rules["UNDERSTAFFED"].evidence == ("2026-01-20/morning",)
    # two empty shifts in a row are short, not yet nominal
    two = _tallies(
        _stint("a", MORNING + timedelta(hours=16), 8)
        + _stint("b", MORNING + timedelta(hours=16), 8)
    )
    flagged = attendance_flags("sp", two, MORNING + timedelta(days=1))
    assert NOMINAL_SHIFTS == 3 and [f.rule for f in flagged] == ["UNDERSTAFFED"]
    assert flagged[0].evidence == ("2026-01-20/morning", "2026-01-20/evening")


def test_a_shift_under_way_is_not_judged() -> None:
    counted = _tallies([], days=1)
    now = MORNING + timedelta(hours=20)  # the night shift began at 22:00 local: under way
    assert [f.evidence for f in attendance_flags("sp", counted, now)] == [
        ("2026-01-20/morning", "2026-01-20/evening")
    ]


def test_vehicles_short_of_the_complement_understaff_a_shift() -> None:
    detail = _detail(officers=1, vehicles=1)
    staffed = [
        _check("a", "in", MORNING, car="SPA-1"),
        _check("a", "out", MORNING + timedelta(hours=8)),
    ]
    on_foot = _stint("a", MORNING, 8)
    assert _tallies(staffed, detail=detail)[0].state == "staffed"
    assert _tallies(on_foot, detail=detail)[0].state == "understaffed"


def test_presence_without_cover_is_unauthorised_and_rostered_absentees_are_missed() -> None:
    detail = _detail(officers=2, since=MORNING + timedelta(hours=8))  # cover from the evening
    rostered = [Assignment("b", DAY, "morning", "p1")]
    counted = _tallies(_stint("a", MORNING, 8), detail=detail, rostered=rostered)
    morning = next(t for t in counted if t.shift == "morning")
    assert morning.state == "unauthorised" and morning.missed == {"b"}
    flags = attendance_flags("sp", counted, MORNING + timedelta(days=1))
    assert {f.rule for f in flags} == {"UNAUTHORISED", "UNDERSTAFFED"}  # two empty: short


def test_the_protectee_learns_counts_against_the_decision() -> None:
    now = MORNING + timedelta(hours=2)
    checks = [
        *_stint("a", MORNING, 8),
        _check("b", "in", MORNING),
        _check("c", "in", MORNING, "p2"),
    ]
    duty = on_duty_now({"sp": _detail(officers=3)}, checks, "p1", now)
    assert [(d.provider_id, d.present, d.officers, d.matches) for d in duty] == [
        ("sp", 2, 3, False)
    ]
