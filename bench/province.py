"""A national-scale province rostered for four weeks: the synthetic nation's largest provincial
provider (bench/generate.py, seeded), its covers as decided at the end of the history turned
into posts, a roll large enough to stand them (a post's complement stands every shift, so the
roll is about 3.5 times the officers on duty at once, well above the generator's "sanctioned
pool", which counts officers committed), and the product's solver with what is left of
5 minutes once the posts and the problem are built.

    python -m bench.province --scale 1 --time-limit 300 --out bench/results-province.json

The roster is checked against every hard rule here (one slot a day is the roster's shape; days
away, forbidden successions, hours a week, consecutive days), and its cost recomputed by the
domain. The goal (issue 16): four weeks of the province within 5 minutes on this machine."""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from math import ceil
from pathlib import Path
from typing import Any

from bench import harness
from bench.generate import generate
from bench.timeline import category
from hifazat.domain.posts import Detail, Post, RosterRules, posts, problem
from hifazat.domain.resources import DRIVER, FEMALE, Absence, Officer
from hifazat.domain.roster import Problem, Roster, cost
from hifazat.rostering.solver import Settings, solve

ZONE = "Asia/Karachi"
GOAL_SECONDS = 300.0


def province(scale: float, seed: int, days: int) -> tuple[str, date, list[Detail], int]:
    """The largest provincial provider, the first day of the last full four weeks, each
    protectee's complement from it over the history, and its sanctioned pool."""
    nation = generate(scale, seed)
    provincial = [p for p in nation.providers if p.level == "provincial"]
    provider = max(provincial, key=lambda p: nation.pools[p.id][0])
    last = max(d.effective_at for d in nation.decisions)
    first = (last - timedelta(days=days + 7)).date()
    first -= timedelta(days=first.weekday())  # a Monday
    steps: dict[str, list[tuple[datetime, int, int]]] = defaultdict(list)
    for d in sorted(nation.decisions, key=lambda d: d.effective_at):
        if d.provider != provider.id or not d.takes_effect:
            continue
        if d.rank == 0 or d.suspended:
            steps[d.protectee].append((d.effective_at, 0, 0))
        else:
            c = category(provider, d.rank)
            steps[d.protectee].append((d.effective_at, c.personnel, c.vehicles))
    details = [Detail(pid, tuple(s)) for pid, s in sorted(steps.items())]
    return provider.id, first, details, nation.pools[provider.id][0]


def roll_size(wanted: Sequence[Post], days: int) -> int:
    """Officers enough for the busiest day, each working 6 days in 7, with a tenth to spare for
    leave."""
    per_day: Counter[int] = Counter()
    for p in wanted:
        per_day[p.day] += p.officers
    return ceil(max(per_day.values(), default=0) * 7 / 6 * 1.1)


def roll(provider: str, size: int, first: date, days: int, seed: int) -> list[Officer]:
    """A quarter drivers, a tenth female officers, one in twenty away for a week of the
    horizon."""
    rng = random.Random(seed)
    out = []
    for n in range(size):
        quals = {"armed"}
        if n % 4 == 0:
            quals.add(DRIVER)
        if n % 10 == 3:
            quals.add(FEMALE)
        away: tuple[Absence, ...] = ()
        if rng.random() < 0.05:
            start = first + timedelta(days=rng.randrange(days))
            away = (Absence("leave", start, start + timedelta(days=6)),)
        out.append(
            Officer(
                f"P-{n:06d}", f"Officer {n}", "Constable", provider, "SPU", frozenset(quals), away
            )
        )
    return out


def violations(p: Problem, roster: Roster) -> list[str]:
    """Every hard rule the roster breaks (the solver's own model is not trusted here)."""
    minutes = {s.id: s.minutes for s in p.shifts}
    forbidden = {s.id: s.not_followed_by for s in p.shifts}
    found = []
    for w in p.workers:
        days = roster.get(w.id, (None,) * p.horizon)
        run = 0
        for d, slot in enumerate(days):
            if slot is None:
                run = 0
                continue
            run += 1
            if d in w.days_off:
                found.append(f"{w.id} works day {d}, a day away")
            before = days[d - 1] if d else None
            if before is not None and slot.shift in forbidden[before.shift]:
                found.append(f"{w.id}: {slot.shift} after {before.shift} on day {d}")
            if w.max_consecutive is not None and run > w.max_consecutive:
                found.append(f"{w.id}: {run} days in a row to day {d}")
        for week in range(0, p.horizon, 7):
            worked = sum(minutes[s.shift] for s in days[week : week + 7] if s is not None)
            if w.max_week_minutes is not None and worked > w.max_week_minutes:
                found.append(f"{w.id}: {worked} minutes in the week from day {week}")
    return found


#: kept back from the solver's limit for the step it is in when the limit comes
STOP_MARGIN_SECONDS = 5.0


def run(scale: float, seed: int, days: int, time_limit: float) -> dict[str, Any]:
    started = time.perf_counter()
    provider, first, details, pool = province(scale, seed, days)
    generated = time.perf_counter() - started
    rules = RosterRules()
    began = time.perf_counter()
    wanted = posts(details, first, days, rules.pattern, ZONE)
    officers = roll(provider, roll_size(wanted, days), first, days, seed)
    the_problem = problem(wanted, officers, first, days, rules)
    # the goal is the whole roster within the time, its posts and problem built included; the
    # solver may overrun its limit by the last step it finishes (a second or so here)
    left = time_limit - (time.perf_counter() - began) - STOP_MARGIN_SECONDS
    solution = solve(the_problem, Settings(time_limit=left))
    seconds = time.perf_counter() - began
    assert solution.roster is not None
    broken = violations(the_problem, solution.roster)
    spent = cost(the_problem, solution.roster)
    wanted_shifts = sum(p.officers for p in wanted)
    stood: dict[tuple[int, str, str], int] = defaultdict(int)
    for days_of in solution.roster.values():
        for d, slot in enumerate(days_of):
            if slot is not None:
                stood[d, slot.shift, slot.post] += 1
    short = sum(max(0, p.officers - stood[p.day, p.shift, p.protectee_id]) for p in wanted)
    return {
        "provider": provider,
        "from": first.isoformat(),
        "days": days,
        "protectees_with_posts": len({p.protectee_id for p in wanted}),
        "post_shifts": len(wanted),
        "officer_shifts_wanted": wanted_shifts,
        "officers": len(officers),
        "sanctioned_pool": pool,
        "time_limit": time_limit,
        "seconds": round(seconds, 1),
        "generation_seconds": round(generated, 1),
        "outcome": solution.outcome.value,
        "short": short,
        "short_share": round(short / wanted_shifts, 4) if wanted_shifts else 0.0,
        "cost": {**spent.__dict__, "total": spent.total},
        "hard_rule_violations": len(broken),
        "first_violations": broken[:5],
        "goal_seconds": GOAL_SECONDS,
        "met": not broken and seconds <= GOAL_SECONDS,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--time-limit", type=float, default=GOAL_SECONDS)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(args.scale, args.seed, args.days, args.time_limit)
    body = {
        "command": "python -m bench.province " + " ".join(argv or []),
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": harness.machine(),
        "result": result,
    }
    text = json.dumps(body, indent=2)
    if args.out is not None:
        args.out.write_text(text + "\n", "utf-8")
    print(text)


if __name__ == "__main__":
    main()
