"""Posts from cover and the roster that staffs them: a complement shift by shift in the
deployment's zone, the rest rule as forbidden successions, drivers and female officers, leave,
and re-rostering that says who is freed and from when."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from hifazat.domain.posts import (
    THREE_EIGHTS,
    TWO_TWELVES,
    Change,
    Detail,
    RosterRules,
    on_duty,
    posts,
    problem,
    shifts_of,
)
from hifazat.domain.posts import moves as moves_between
from hifazat.domain.resources import DRIVER, FEMALE, Absence
from hifazat.domain.resources import Officer as OnRoll
from hifazat.domain.roster import cost
from hifazat.rostering.solver import Outcome, Settings, solve

MONDAY = date(2026, 1, 19)
KARACHI = "Asia/Karachi"  # UTC+5, no daylight saving


def Officer(
    number: str, qualifications: frozenset[str] = frozenset(), away: tuple[Absence, ...] = ()
) -> OnRoll:
    """An officer of the roll with only what the roster reads."""
    return OnRoll(number, number, "Constable", "sindh-police", "SSU", qualifications, away)


QUICK = Settings(time_limit=4.0, workers=2, seed=3)


def test_a_complement_becomes_a_post_in_every_shift_while_active() -> None:
    granted = datetime(2026, 1, 18, tzinfo=UTC)
    withdrawn = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)  # 17:00 in Karachi on day 1
    detail = Detail("farooq-sattar", ((granted, 2, 1), (withdrawn, 0, 0)))
    found = posts([detail], MONDAY, 3, THREE_EIGHTS, KARACHI)
    assert [(p.day, p.shift) for p in found] == [
        (0, "morning"),
        (0, "evening"),
        (0, "night"),
        (1, "morning"),
        (1, "evening"),  # began at 14:00, before the withdrawal took effect at 17:00
    ]
    first = found[0]
    assert first.starts == datetime(2026, 1, 19, 1, 0, tzinfo=UTC)  # 06:00 in Karachi
    assert (first.officers, first.vehicles, first.drivers, first.female) == (2, 1, 1, 0)


def test_rest_between_shifts_forbids_what_follows_too_soon() -> None:
    eights = {s.id: s.not_followed_by for s in shifts_of(THREE_EIGHTS, rest_hours=11)}
    # a night ends at 06:00: no morning (0 h) or evening (8 h) next day; an evening ends at
    # 22:00: no morning (8 h); a morning may be followed by anything
    assert eights == {
        "morning": frozenset(),
        "evening": frozenset({"morning"}),
        "night": frozenset({"morning", "evening"}),
    }
    twelves = {s.id: s.not_followed_by for s in shifts_of(TWO_TWELVES, rest_hours=11)}
    assert twelves == {"day": frozenset(), "night": frozenset({"day"})}


def _staffed_detail(female: bool) -> tuple[list[OnRoll], Detail]:
    officers = [Officer(f"SP-{i:03}") for i in range(14)]
    officers[0] = Officer("SP-000", frozenset({DRIVER}))
    officers[1] = Officer("SP-001", frozenset({DRIVER}))
    officers[2] = Officer("SP-002", frozenset({DRIVER}))
    officers[3] = Officer("SP-003", frozenset({FEMALE}))
    officers[4] = Officer("SP-004", frozenset({FEMALE}))
    officers[5] = Officer("SP-005", frozenset({FEMALE, DRIVER}))
    officers[7] = Officer("SP-007", frozenset({FEMALE}))  # 21 shifts need 4 at 6 a week
    detail = Detail("nasreen-jalil", ((datetime(2026, 1, 1, tzinfo=UTC), 2, 1),), female)
    return officers, detail


def test_every_shift_has_its_complement_a_driver_and_a_female_officer() -> None:
    officers, detail = _staffed_detail(female=True)
    officers[6] = Officer("SP-006", away=(Absence("leave", MONDAY, date(2026, 1, 25)),))  # on leave
    wanted = posts([detail], MONDAY, 7, THREE_EIGHTS, KARACHI)
    rules = RosterRules()
    roster_problem = problem(wanted, officers, MONDAY, 7, rules)
    solution = solve(roster_problem, QUICK)
    assert solution.outcome in (Outcome.OPTIMAL, Outcome.FEASIBLE)
    roster = solution.roster
    assert roster is not None and solution.cost is not None
    assert solution.cost.under == 0
    quals = {o.service_number: o.qualifications for o in officers}
    for day in range(7):
        held = on_duty(roster, day)
        for shift in ("morning", "evening", "night"):
            team = held[shift, "nasreen-jalil"]
            assert len(team) == 2
            assert any(DRIVER in quals[o] for o in team)
            assert any(FEMALE in quals[o] for o in team)
    assert all(slot is None for slot in roster["SP-006"])
    for days in roster.values():  # the rest rule and the weekly limit hold
        for today, tomorrow in itertools.pairwise(days):
            if today is not None and tomorrow is not None:
                assert (
                    tomorrow.shift
                    not in {s.id: s.not_followed_by for s in roster_problem.shifts}[today.shift]
                )
        assert sum(1 for s in days if s is not None) * 8 <= rules.max_week_hours
    assert cost(roster_problem, roster).total == solution.cost.total


def test_a_withdrawal_frees_that_detail_s_officers_from_its_day_and_moves_nobody_else() -> None:
    officers = [Officer(f"SP-{i:03}", frozenset({DRIVER})) for i in range(24)]
    since = datetime(2026, 1, 1, tzinfo=UTC)
    kept = Detail("khalid-maqbool-siddiqui", ((since, 1, 1),))
    cut = Detail("farooq-sattar", ((since, 2, 0),))
    rules = RosterRules()
    before = problem(
        posts([kept, cut], MONDAY, 7, THREE_EIGHTS, KARACHI), officers, MONDAY, 7, rules
    )
    published = solve(before, QUICK).roster
    assert published is not None

    withdrawn_at = datetime(2026, 1, 22, 0, 0, tzinfo=UTC)  # 05:00 on Thursday (day 3), Karachi
    cut_now = Detail("farooq-sattar", ((since, 2, 0), (withdrawn_at, 0, 0)))
    wanted = posts([kept, cut_now], MONDAY, 7, THREE_EIGHTS, KARACHI)
    after = problem(wanted, officers, MONDAY, 7, rules, published=published)
    roster = solve(after, QUICK).roster
    assert roster is not None

    for officer, days in roster.items():
        for day, slot in enumerate(days):
            was = published[officer][day]
            if was is not None and was.post == "farooq-sattar" and day >= 3:
                assert slot is None
            else:
                assert slot == was
    found = moves_between(published, roster, MONDAY)
    assert found and all(m.change == Change.FREED and m.post == "farooq-sattar" for m in found)
    assert min(m.first for m in found) == date(2026, 1, 22)
    assert sum(m.shifts for m in found) == 2 * 3 * 4  # two officers, three shifts, four days


def test_the_first_guess_stands_a_roomy_roll_s_posts_within_the_maximum_rules() -> None:
    """A hint, not an answer: on a roll with room to spare it stands every post; on a tight one
    (test_every_shift_has_its_complement_a_driver_and_a_female_officer) CP-SAT finishes it."""
    from hifazat.rostering.first_guess import first_guess

    officers = [Officer(f"SP-{i:03}", frozenset({DRIVER} if i < 8 else set())) for i in range(24)]
    since = datetime(2026, 1, 1, tzinfo=UTC)
    details = [
        Detail("khalid-maqbool-siddiqui", ((since, 2, 1),)),
        Detail("farooq-sattar", ((since, 2, 0),)),
    ]
    wanted = posts(details, MONDAY, 7, THREE_EIGHTS, KARACHI)
    rules = RosterRules()
    roster_problem = problem(wanted, officers, MONDAY, 7, rules)
    given = first_guess(roster_problem)
    roster = {
        o.service_number: tuple(given.get((o.service_number, d)) for d in range(7))
        for o in officers
    }
    assert cost(roster_problem, roster).under == 0
    after = {s.id: s.not_followed_by for s in roster_problem.shifts}
    for days in roster.values():
        for today, tomorrow in itertools.pairwise(days):
            assert today is None or tomorrow is None or tomorrow.shift not in after[today.shift]
        assert sum(1 for s in days if s is not None) * 8 <= rules.max_week_hours
