"""The roster's CP-SAT model on small problems whose best roster can be seen by hand: posts and
qualifications counted where they are wanted, hard rules kept, and re-rostering that moves only
what a change of cover forces."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from hifazat.domain.roster import Cover, Problem, Request, Roster, Shift, Slot, Worker, cost
from hifazat.rostering.solver import Outcome, Settings, solve

QUICK = Settings(time_limit=10.0, workers=2, seed=1)
DAY = Shift("D", 480)
NIGHT = Shift("N", 480, not_followed_by=frozenset({"D"}))


def solved(problem: Problem) -> Roster:
    solution = solve(problem, QUICK)
    assert solution.outcome == Outcome.OPTIMAL
    assert solution.roster is not None and solution.cost is not None
    assert solution.cost.total == solution.bound  # what the roster costs, not the solver's word
    return solution.roster


def cover(day: int, shift: str, n: int, post: str = "", qualification: str | None = None) -> Cover:
    return Cover(day, shift, n, 100, 1, post=post, qualification=qualification)


def test_each_post_gets_its_own_officers() -> None:
    officers = tuple(Worker(f"o{i}") for i in range(5))
    problem = Problem(
        horizon=1,
        shifts=(DAY,),
        workers=officers,
        cover=(cover(0, "D", 2, post="farooq-sattar"), cover(0, "D", 3, post="khalid-maqbool")),
    )
    roster = solved(problem)
    at = [slot.post for days in roster.values() for slot in days if slot is not None]
    assert sorted(at) == ["farooq-sattar"] * 2 + ["khalid-maqbool"] * 3


def test_a_qualification_is_counted_beside_the_head_count() -> None:
    officers = (
        Worker("driver", qualifications=frozenset({"driver"})),
        Worker("female", qualifications=frozenset({"female"})),
        Worker("a"),
        Worker("b"),
    )
    problem = Problem(
        horizon=1,
        shifts=(DAY,),
        workers=officers,
        cover=(
            cover(0, "D", 2, post="detail"),
            cover(0, "D", 1, post="detail", qualification="driver"),
            cover(0, "D", 1, post="detail", qualification="female"),
        ),
    )
    roster = solved(problem)
    on_duty = {w for w, days in roster.items() if days[0] is not None}
    assert on_duty == {"driver", "female"}
    assert cost(problem, roster).total == 0


def test_hard_rules_hold_even_when_cover_goes_short() -> None:
    """One officer, nights wanted every day, a day shift wanted on day 1: a night is never followed
    by a day shift, and five days in a row is the most."""
    officer = Worker("o", max_consecutive=5, days_off=frozenset({6}))
    problem = Problem(
        horizon=8,
        shifts=(DAY, NIGHT),
        workers=(officer,),
        cover=(*(cover(d, "N", 1) for d in range(8)), cover(1, "D", 1)),
    )
    days = solved(problem)["o"]
    assert days[6] is None
    for today, tomorrow in itertools.pairwise(days):
        if today is not None and today.shift == "N":
            assert tomorrow is None or tomorrow.shift != "D"
    runs = "".join("x" if d else "." for d in days).split(".")
    assert max(len(r) for r in runs) <= 5


def test_requests_are_granted_when_cover_allows() -> None:
    problem = Problem(
        horizon=2,
        shifts=(DAY,),
        workers=(Worker("a"), Worker("b")),
        cover=(cover(0, "D", 1), cover(1, "D", 1)),
        requests=(Request("a", 0, "D", 5, on=False), Request("b", 1, "D", 5, on=False)),
    )
    roster = solved(problem)
    assert roster["a"] == (None, Slot("D"))
    assert roster["b"] == (Slot("D"), None)


def test_rules_that_cannot_all_hold_are_said_to() -> None:
    problem = Problem(
        horizon=3,
        shifts=(DAY,),
        workers=(Worker("a", min_minutes=3 * 480, days_off=frozenset({1})),),
        cover=(),
    )
    assert solve(problem, QUICK).outcome == Outcome.INFEASIBLE


@pytest.mark.parametrize("weight", [1, 10])
def test_re_rostering_after_a_withdrawal_moves_only_the_withdrawn_post(weight: int) -> None:
    """Three protectees' details over a week; one is withdrawn from day 3. With stability in the
    objective, the new roster frees that post's officers from day 3 and keeps every other slot."""
    officers = tuple(Worker(f"o{i:02}", max_consecutive=5, min_days_off=1) for i in range(12))
    posts = ("p1", "p2", "p3")
    wanted = tuple(cover(d, "D", 2, post=p) for d in range(7) for p in posts)
    before = Problem(horizon=7, shifts=(DAY,), workers=officers, cover=wanted)
    published = solved(before)

    withdrawn = tuple(c for c in wanted if not (c.post == "p2" and c.day >= 3))
    after = replace(before, cover=withdrawn, published=published, stability_weight=weight)
    roster = solved(after)
    for officer, days in roster.items():
        for day, slot in enumerate(days):
            was = published[officer][day]
            if was is not None and was.post == "p2" and day >= 3:
                assert slot is None, (officer, day)  # freed
            else:
                assert slot == was, (officer, day)  # untouched
    assert cost(after, roster).changes == weight * 2 * 4  # two officers a day, days 3 to 6
