"""A province's roster in parts: each protectee's detail gets a team of the provider's officers,
teams are bundled into problems of a few dozen officers, and each bundle is rostered on its own.

One CP-SAT model of a province (thousands of officers, tens of thousands of post-shifts a week)
is too large to build, let alone search, in minutes on two cores; and a detail is how a force
works anyway — the same officers stand with the same protectee, which is what the continuity
term asks for. A team is sized from its posts' demand over the horizon against what each officer
may work (the weekly hours, the days away): qualified officers first (a driver per vehicle, a
female officer where the detail needs one), then the head count with a margin, then the officers
left over spread as reserve. A roll too small for the cover leaves the last posts short: the
shortfall shows in the roster, as it does in a roster made whole."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from math import ceil

from hifazat.domain.roster import ANY_POST, Problem, Worker

#: officers a bundle may hold: small enough for CP-SAT to search in a second or two
BUNDLE = 60
#: head count above the bare demand, for the days an officer cannot work
MARGIN = 0.15


@dataclass(frozen=True)
class Demand:
    """What one post asks over the horizon: officer-shifts, and qualified officer-shifts."""

    post: str
    shifts: int
    qualified: dict[str, int]


def demands(problem: Problem) -> list[Demand]:
    """Each named post's demand, largest first."""
    heads: Counter[str] = Counter()
    quals: dict[str, Counter[str]] = defaultdict(Counter)
    for c in problem.cover:
        if c.post == ANY_POST:
            continue
        if c.qualification is None:
            heads[c.post] += c.requirement
        else:
            quals[c.post][c.qualification] += c.requirement
    return sorted(
        (Demand(p, heads[p], dict(quals[p])) for p in set(heads) | set(quals)),
        key=lambda d: (-d.shifts, d.post),
    )


def capacity(worker: Worker, problem: Problem) -> int:
    """The most shifts the worker may work over the horizon."""
    longest = max(s.minutes for s in problem.shifts)
    free = problem.horizon - len(worker.days_off)
    if worker.max_week_minutes is not None:
        weeks = ceil(problem.horizon / 7)
        free = min(free, weeks * (worker.max_week_minutes // longest))
    if worker.max_minutes is not None:
        free = min(free, worker.max_minutes // longest)
    return max(free, 0)


def assign(problem: Problem) -> dict[str, list[Worker]]:
    """Each post's team: qualified officers for its qualified rows, then its head count with a
    margin, then the rest of the roll as reserve. Re-rostering, an officer stays with the post
    they stood most in the published roster. Linear in the roll: a province's is tens of
    thousands."""
    posts = demands(problem)
    workers = {w.id: w for w in problem.workers}
    cap = {w.id: capacity(w, problem) for w in problem.workers}
    stood: dict[str, Counter[str]] = defaultdict(Counter)
    for worker, days in (problem.published or {}).items():
        for slot in days:
            if slot is not None and worker in workers:
                stood[slot.post][worker] += 1
    # the least qualified first, so that a rare qualification is not spent on a head count
    order = sorted(workers.values(), key=lambda w: (len(w.qualifications), w.id))
    queues: dict[str | None, list[Worker]] = {None: order}
    for q in {q for w in order for q in w.qualifications}:
        queues[q] = [w for w in order if q in w.qualifications]
    at: Counter[str | None] = Counter()
    taken: set[str] = set()
    team: dict[str, list[Worker]] = {d.post: [] for d in posts}
    covered: Counter[str] = Counter()

    def add(post: str, w: Worker) -> float:
        taken.add(w.id)
        team[post].append(w)
        covered[post] += cap[w.id]
        return cap[w.id]

    def take(post: str, qualification: str | None, need: float) -> None:
        for worker, _ in stood[post].most_common():  # who stood this post before
            w = workers[worker]
            if need <= 0:
                return
            if worker not in taken and (qualification is None or qualification in w.qualifications):
                need -= add(post, w)
        queue = queues.get(qualification, [])
        while need > 0 and at[qualification] < len(queue):
            w = queue[at[qualification]]
            at[qualification] += 1
            if w.id not in taken:
                need -= add(post, w)

    # a roll too small for every post shares its shortfall among them all, rather than leaving
    # the last posts with nobody
    def share(have: float, wanted: float) -> float:
        return min(1.0, have / wanted) if wanted else 1.0

    asked: Counter[str] = Counter()
    for d in posts:
        asked.update(d.qualified)
    qualified = {q: share(sum(cap[w.id] for w in queues.get(q, [])), asked[q]) for q in asked}
    # each team overshoots its need by up to one officer: keep that much back for the last
    typical = sorted(cap.values())[len(cap) // 2] if cap else 0
    whole = share(
        sum(cap.values()) - len(posts) * typical, sum(d.shifts for d in posts) * (1 + MARGIN)
    )
    for d in posts:
        for qualification, shifts in sorted(d.qualified.items()):
            have = sum(cap[w.id] for w in team[d.post] if qualification in w.qualifications)
            take(d.post, qualification, shifts * qualified[qualification] - have)
    for d in posts:
        take(d.post, None, d.shifts * (1 + MARGIN) * whole - covered[d.post])
    # the rest as reserve, each to the post with least capacity for its demand
    rest = [w for w in order if w.id not in taken]
    if posts and rest:
        heap = [(covered[d.post] / max(d.shifts, 1), d.post, d.shifts) for d in posts]
        heapq.heapify(heap)
        for w in rest:
            _, post, shifts = heapq.heappop(heap)
            add(post, w)
            heapq.heappush(heap, (covered[post] / max(shifts, 1), post, shifts))
    return team


def bundles(problem: Problem, size: int = BUNDLE) -> list[Problem]:
    """The problem as independent parts of about `size` officers each: every post with its whole
    team in one part, every cover row of a post in its part."""
    team = assign(problem)
    groups: list[list[str]] = []
    count = 0
    for post in sorted(team, key=lambda p: (-len(team[p]), p)):
        if not groups or count + len(team[post]) > size:
            groups.append([])
            count = 0
        groups[-1].append(post)
        count += len(team[post])
    parts = []
    for posts in groups:
        named = set(posts)
        workers = tuple(w for p in posts for w in team[p])
        ids = {w.id for w in workers}
        published = None
        if problem.published is not None:
            published = {k: v for k, v in problem.published.items() if k in ids}
        parts.append(
            replace(
                problem,
                workers=workers,
                cover=tuple(c for c in problem.cover if c.post in named),
                requests=tuple(r for r in problem.requests if r.worker in ids),
                published=published,
            )
        )
    return parts


def splits(problem: Problem, above: int) -> bool:
    """Whether the problem is rostered in parts: a force's roll past `above` officers, all of
    whose cover names posts (the published benchmark's instances never do)."""
    return len(problem.workers) > above and all(c.post != ANY_POST for c in problem.cover)
