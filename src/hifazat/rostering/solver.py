"""The roster's solver: a `domain.roster.Problem` as a CP-SAT model (Google OR-Tools).

Hard rules are constraints; soft terms (cover short or over, officers' requests, changes to a
published roster) are the weighted objective. The cost reported is recomputed from the roster
the solver returns (`domain.roster.cost`), never taken from the solver's own figure."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from ortools.sat.python import cp_model

from hifazat.domain.roster import ANY_POST, Cost, Problem, Roster, Slot, Worker, cost
from hifazat.rostering import teams
from hifazat.rostering.first_guess import first_guess


class Outcome(StrEnum):
    OPTIMAL = "optimal"  # no roster costs less
    FEASIBLE = "feasible"  # the best found in the time given
    INFEASIBLE = "infeasible"  # the hard rules cannot all hold
    UNKNOWN = "unknown"  # no roster found in the time given


@dataclass(frozen=True)
class Solution:
    outcome: Outcome
    roster: Roster | None
    cost: Cost | None
    #: no roster costs less than this (the solver's proof so far)
    bound: int
    seconds: float


@dataclass(frozen=True)
class Settings:
    time_limit: float = 60.0
    #: CP-SAT's workers on the whole model: more than the 2 cores, so that its LP, search and
    #: neighbourhood workers all take turns (instance 8 at 30 s: 1915 with 8, 2445 with 2)
    workers: int = 8
    seed: int = 0
    #: the share of the time the whole model is searched before the neighbourhoods take over
    whole_share: float = 0.5
    #: the most one neighbourhood's search may take, and its workers
    step_seconds: float = 2.0
    step_workers: int = 2
    #: a force's roll past this many officers is rostered in parts, a team to each detail
    #: (`rostering/teams.py`): one model of a province is too large to search
    split_above: int = 400


def solve(problem: Problem, settings: Settings = Settings()) -> Solution:
    """CP-SAT on the whole model first; then, while time is left and the best is not proved,
    large neighbourhood search: most of the roster fixed at the best so far, CP-SAT reoptimising
    the rest (a few officers' whole horizon, or everyone's days in a window). CP-SAT's own
    neighbourhoods do not know that the workers and the days are the problem's grain; on 2
    cores these find in a minute what the whole model finds in an hour."""
    started = time.perf_counter()
    deadline = started + settings.time_limit
    if teams.splits(problem, settings.split_above):
        return _in_parts(problem, settings, started)
    model = Model(problem)
    whole = _solver(settings, settings.time_limit * settings.whole_share)
    status = whole.solve(model.cp)
    if status == cp_model.UNKNOWN and model.guess is None:  # the whole model keeps the time
        whole = _solver(settings, deadline - time.perf_counter())
        status = whole.solve(model.cp)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    best: dict[int, int] = {}
    objective, bound = 0, 0
    if found:
        best = {v.index: int(whole.value(v)) for v in model.x.values()}
        objective = round(whole.objective_value)
        bound = round(whole.best_objective_bound)
    if status != cp_model.INFEASIBLE and model.guess is not None:
        # CP-SAT may leave a hint unused; where the first guess beats what it found, the
        # neighbourhoods start from the guess (checked against every rule by CP-SAT itself)
        check = _solver(settings, min(1.0, max(deadline - time.perf_counter(), 0.05)), 1)
        if check.solve(model.within(model.values(model.guess), set())) in (
            cp_model.OPTIMAL,
            cp_model.FEASIBLE,
        ) and (not found or check.objective_value < objective):
            best = {v.index: int(check.value(v)) for v in model.x.values()}
            objective = round(check.objective_value)
            bound = round(whole.best_objective_bound) if found else 0
            found = True
    if not found and status != cp_model.INFEASIBLE and model.guess and not problem.published:
        # out of time before CP-SAT confirmed anything (a loaded machine): the cover-first
        # guess keeps every hard rule by construction, so it stands rather than no roster
        given = {
            w.id: tuple(model.guess.get((w.id, d)) for d in range(problem.horizon))
            for w in problem.workers
        }
        seconds = time.perf_counter() - started
        return Solution(Outcome.FEASIBLE, given, cost(problem, given), 0, seconds)
    if not found:
        outcome = Outcome.INFEASIBLE if status == cp_model.INFEASIBLE else Outcome.UNKNOWN
        seconds = time.perf_counter() - started
        return Solution(outcome=outcome, roster=None, cost=None, bound=0, seconds=seconds)
    search = Neighbourhoods(model, settings.seed)
    while objective > bound and time.perf_counter() < deadline - 0.05:
        free = search.pick()
        left = deadline - time.perf_counter()
        step = _solver(settings, min(settings.step_seconds, left), settings.step_workers)
        status = step.solve(model.within(best, free))
        search.learn(status == cp_model.OPTIMAL)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and step.objective_value <= objective:
            best = {v.index: int(step.value(v)) for v in model.x.values()}
            objective = round(step.objective_value)
    roster = model.roster(best)
    return Solution(
        outcome=Outcome.OPTIMAL if objective <= bound else Outcome.FEASIBLE,
        roster=roster,
        cost=cost(problem, roster),
        bound=bound + model.constant,
        seconds=time.perf_counter() - started,
    )


def _in_parts(problem: Problem, settings: Settings, started: float) -> Solution:
    """Every bundle of details rostered cover-first at once (`first_guess`: a roster that keeps
    every hard rule), then CP-SAT on the bundles that cost most, while time is left, each kept
    where it costs less."""
    deadline = started + settings.time_limit
    roster: dict[str, tuple[Slot | None, ...]] = {
        w.id: (None,) * problem.horizon for w in problem.workers
    }
    guessed = []
    costing = 0.0
    for part in teams.bundles(problem):
        given = first_guess(part)
        mine = {
            w.id: tuple(given.get((w.id, d)) for d in range(part.horizon)) for w in part.workers
        }
        roster.update(mine)
        began = time.perf_counter()
        guessed.append((cost(part, mine).total, part))
        costing += time.perf_counter() - began
    # the whole roster's cost, at the end, takes about as long as the parts' did: kept back
    search_until = deadline - costing
    worst = sorted(guessed, key=lambda g: -g[0])
    for n, (spent, part) in enumerate(worst):
        left = search_until - time.perf_counter()
        if left < 0.5:
            break
        share = max(left / (len(worst) - n), 0.3)
        found = solve(part, replace(settings, time_limit=share, split_above=len(part.workers)))
        if found.roster is not None and found.cost is not None and found.cost.total <= spent:
            roster.update(found.roster)
    return Solution(
        outcome=Outcome.FEASIBLE,
        roster=roster,
        cost=cost(problem, roster),
        bound=0,
        seconds=time.perf_counter() - started,
    )


def _solver(settings: Settings, seconds: float, workers: int | None = None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    solver.parameters.num_workers = workers or settings.workers
    solver.parameters.random_seed = settings.seed
    #: the LP with cuts at every node: its bound is what proves a roster best, and these models'
    #: cover rows make it tight (instance 8 at 60 s: bound 1275 of 1300)
    solver.parameters.linearization_level = 2
    return solver


class Neighbourhoods:
    """Which part of the roster to search again: a few workers' whole horizon, or a window of
    days for everyone. Each kind's size grows while its searches finish (proved best within the
    neighbourhood) and shrinks while they run out of time."""

    KINDS = ("workers", "days")

    def __init__(self, model: Model, seed: int) -> None:
        self.model = model
        self.rng = random.Random(seed)  # noqa: S311 - a search's choices, no secret
        problem = model.problem
        self.size = {"workers": min(3.0, len(problem.workers)), "days": min(3.0, problem.horizon)}
        self.limit = {"workers": len(problem.workers), "days": problem.horizon}
        self.kind = "workers"

    def pick(self) -> set[tuple[str, int]]:
        """The (worker, day) pairs left free."""
        problem = self.model.problem
        self.kind = self.rng.choice(self.KINDS)
        n = max(1, min(self.limit[self.kind], round(self.size[self.kind])))
        days = range(problem.horizon)
        if self.kind == "workers":
            chosen = self.rng.sample([w.id for w in problem.workers], n)
            return {(w, d) for w in chosen for d in days}
        first = self.rng.randrange(problem.horizon - n + 1)
        return {(w.id, d) for w in problem.workers for d in range(first, first + n)}

    def learn(self, proved: bool) -> None:
        grown = self.size[self.kind] * (1.15 if proved else 0.9)
        self.size[self.kind] = min(max(grown, 1.0), float(self.limit[self.kind]))


class Model:
    """The CP-SAT model of one problem: x[worker, day, slot] is 1 when the worker holds the slot."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.cp = cp_model.CpModel()
        self.slots = problem.slots()
        self.x: dict[tuple[str, int, Slot], cp_model.IntVar] = {}
        self.work: dict[tuple[str, int], cp_model.IntVar] = {}
        #: each worker's slots and their variables, day by day
        self.held: dict[tuple[str, int], list[tuple[Slot, cp_model.IntVar]]] = {}
        self.terms: list[cp_model.LinearExprT] = []
        #: the part of the cost no choice can change (a departed officer's published days)
        self.constant = 0
        minutes = {s.id: s.minutes for s in problem.shifts}
        for w in problem.workers:
            self._worker(w, minutes)
        self._cover()
        self._requests()
        self._stability()
        self._spread()
        self._continuity()
        self.cp.minimize(cp_model.LinearExpr.sum(self.terms))
        #: the first guess handed to CP-SAT as a hint, if any
        self.guess: dict[tuple[str, int], Slot] | None = None
        if problem.published is not None and problem.stability_weight:
            # the published roster, less what no longer exists
            self.guess = {
                (worker, day): slot
                for worker, days in problem.published.items()
                for day, slot in enumerate(days[: problem.horizon])
                if slot is not None and (worker, day, slot) in self.x
            }
        elif any(c.post != ANY_POST for c in problem.cover):
            self.guess = first_guess(problem)
        if self.guess is not None:
            self._hint(self.guess)

    def values(self, given: dict[tuple[str, int], Slot]) -> dict[int, int]:
        """The slot variables' values (by index) of a roster given as (worker, day) -> slot."""
        return {
            var.index: int(given.get((worker, day)) == slot)
            for (worker, day, slot), var in self.x.items()
        }

    def roster(self, values: dict[int, int]) -> Roster:
        """The roster a solution holds, from its values of x by variable index."""
        return {
            w.id: tuple(
                next((s for s, v in self.held[w.id, d] if values[v.index]), None)
                for d in range(self.problem.horizon)
            )
            for w in self.problem.workers
        }

    def within(self, values: dict[int, int], free: set[tuple[str, int]]) -> cp_model.CpModel:
        """A copy of the model with every slot outside `free` fixed at `values`, and `values`
        as the first guess inside it."""
        copy = self.cp.clone()
        variables = copy.proto.variables
        for (worker, day, _), var in self.x.items():
            value = values[var.index]
            if (worker, day) in free:
                copy.add_hint(copy.get_bool_var_from_proto_index(var.index), value)
            else:
                domain = variables[var.index].domain
                domain[0] = domain[1] = value
        return copy

    def on(self, worker: str, day: int, shift: str) -> cp_model.LinearExpr:
        """1 when `worker` works a `shift` on `day`, at whichever post."""
        return cp_model.LinearExpr.sum([v for s, v in self.held[worker, day] if s.shift == shift])

    def _worker(self, w: Worker, minutes: dict[str, int]) -> None:
        p, cp = self.problem, self.cp
        horizon = p.horizon
        for day in range(horizon):
            held = []
            for slot in self.slots[day]:
                if day in w.days_off or w.max_shifts.get(slot.shift, 1) == 0:
                    continue
                var = cp.new_bool_var(f"x[{w.id},{day},{slot.shift}@{slot.post}]")
                self.x[w.id, day, slot] = var
                held.append((slot, var))
            self.held[w.id, day] = held
            works = cp.new_bool_var(f"work[{w.id},{day}]")
            cp.add(cp_model.LinearExpr.sum([v for _, v in held]) == works)  # one slot a day
            self.work[w.id, day] = works
        work = [self.work[w.id, d] for d in range(horizon)]
        for s in p.shifts:
            for then in s.not_followed_by:
                for day in range(horizon - 1):
                    cp.add(self.on(w.id, day, s.id) + self.on(w.id, day + 1, then) <= 1)
        for shift, most in w.max_shifts.items():
            cp.add(
                cp_model.LinearExpr.sum([self.on(w.id, d, shift) for d in range(horizon)]) <= most
            )
        total = cp_model.LinearExpr.weighted_sum(
            [v for d in range(horizon) for _, v in self.held[w.id, d]],
            [minutes[s.shift] for d in range(horizon) for s, _ in self.held[w.id, d]],
        )
        cp.add(total >= w.min_minutes)
        if w.max_minutes is not None:
            cp.add(total <= w.max_minutes)
        if w.max_week_minutes is not None:
            for week in range(0, horizon, 7):
                span = range(week, min(week + 7, horizon))
                cp.add(
                    cp_model.LinearExpr.weighted_sum(
                        [v for d in span for _, v in self.held[w.id, d]],
                        [minutes[s.shift] for d in span for s, _ in self.held[w.id, d]],
                    )
                    <= w.max_week_minutes
                )
        if w.max_consecutive is not None:
            k = w.max_consecutive
            for start in range(horizon - k):
                cp.add(cp_model.LinearExpr.sum(work[start : start + k + 1]) <= k)
        _no_short_runs(cp, list(work), w.min_consecutive)
        _no_short_runs(cp, [v.Not() for v in work], w.min_days_off)
        if w.max_weekends is not None:
            worked = []
            for days in p.weekends():
                weekend = cp.new_bool_var(f"weekend[{w.id},{days[0]}]")
                cp.add_max_equality(weekend, [work[d] for d in days])
                worked.append(weekend)
            cp.add(cp_model.LinearExpr.sum(worked) <= w.max_weekends)

    def _cover(self) -> None:
        p, cp = self.problem, self.cp
        quals = {w.id: w.qualifications for w in p.workers}
        for c in p.cover:
            slot = Slot(c.shift, c.post)
            n = cp_model.LinearExpr.sum(
                [
                    var
                    for (who, _, _), var in self._at(c.day, slot)
                    if c.qualification is None or c.qualification in quals[who]
                ]
            )
            if c.under_weight:
                under = cp.new_int_var(0, c.requirement, f"under[{c.day},{c.shift}@{c.post}]")
                cp.add(under >= c.requirement - n)
                self.terms.append(c.under_weight * under)
            else:
                cp.add(n >= c.requirement)
            if c.over_weight:
                over = cp.new_int_var(0, len(p.workers), f"over[{c.day},{c.shift}@{c.post}]")
                cp.add(over >= n - c.requirement)
                self.terms.append(c.over_weight * over)

    def _at(self, day: int, slot: Slot) -> Iterable[tuple[tuple[str, int, Slot], cp_model.IntVar]]:
        for w in self.problem.workers:
            var = self.x.get((w.id, day, slot))
            if var is not None:
                yield (w.id, day, slot), var

    def _requests(self) -> None:
        for r in self.problem.requests:
            given = self.on(r.worker, r.day, r.shift)
            self.terms.append(r.weight * (1 - given) if r.on else r.weight * given)

    def _hint(self, given: dict[tuple[str, int], Slot]) -> None:
        """A whole first guess: every slot variable set, as CP-SAT wants a hint to be."""
        for (worker, day, slot), var in self.x.items():
            self.cp.add_hint(var, given.get((worker, day)) == slot)
        for (worker, day), var in self.work.items():
            self.cp.add_hint(var, (worker, day) in given)

    def _stability(self) -> None:
        """Least change to a published roster: each published slot dropped, or day off filled,
        costs the weight (the published roster is the solver's first guess too: `_hint`)."""
        p = self.problem
        if p.published is None or not p.stability_weight:
            return
        for worker, days in p.published.items():
            for day, slot in enumerate(days[: p.horizon]):
                work = self.work.get((worker, day))
                if work is None:  # an officer no longer on the roll: a change whatever we do
                    self.constant += p.stability_weight if slot is not None else 0
                    continue
                if slot is None:
                    self.terms.append(p.stability_weight * work)
                    continue
                held = self.x.get((worker, day, slot))
                if held is None:
                    self.constant += p.stability_weight
                else:
                    self.terms.append(p.stability_weight * (1 - held))

    def _spread(self) -> None:
        p = self.problem
        for n, rule in enumerate(p.spread):
            most = self.cp.new_int_var(0, p.horizon, f"most[{n}]")
            for w in p.workers:
                counted = [
                    v
                    for d in range(p.horizon)
                    for s, v in self.held[w.id, d]
                    if p.counted(rule, d, s.shift)
                ]
                self.cp.add(cp_model.LinearExpr.sum(counted) <= most)
            self.terms.append(rule.weight * most)

    def _continuity(self) -> None:
        p = self.problem
        if not p.continuity_weight:
            return
        for w in p.workers:
            by_post: dict[str, list[cp_model.IntVar]] = {}
            for d in range(p.horizon):
                for s, v in self.held[w.id, d]:
                    if s.post != ANY_POST:
                        by_post.setdefault(s.post, []).append(v)
            for post, held in by_post.items():
                serves = self.cp.new_bool_var(f"serves[{w.id},{post}]")
                for v in held:
                    self.cp.add_implication(v, serves)
                self.terms.append(p.continuity_weight * serves)


def _no_short_runs(cp: cp_model.CpModel, days: list[cp_model.LiteralT], least: int) -> None:
    """No run of true days shorter than `least` between two false ones; a run that touches the
    horizon's start or end is allowed (the days beyond are unknown)."""
    for length in range(1, least):
        for start in range(1, len(days) - length):
            run = days[start : start + length]
            cp.add_bool_or([days[start - 1], *(_not(v) for v in run), days[start + length]])


def _not(literal: cp_model.LiteralT) -> cp_model.LiteralT:
    return literal.Not()  # type: ignore[union-attr]
