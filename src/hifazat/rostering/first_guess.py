"""A first roster for the force's own problems, built shift by shift, handed to CP-SAT as its
first guess (a hint, never an answer: CP-SAT keeps or repairs it under every rule).

On a province's posts CP-SAT's own first rosters leave officers idle beside short posts, and its
neighbourhoods take long to find the swaps that fill them. Cover first — each post's qualified
officers, then its head count, preferring whoever stood the same post in the same shift the day
before — gives it a roster that stands the posts a roomy roll can (a tight one it leaves for
CP-SAT to finish: it spends a scarce qualification greedily). The published benchmark's
instances are left to CP-SAT alone, so that what `make bench` measures is the solver's own."""

from __future__ import annotations

from collections import defaultdict

from hifazat.domain.roster import Cover, Problem, Slot, Worker


def first_guess(problem: Problem) -> dict[tuple[str, int], Slot]:
    """(worker, day) -> slot, keeping the maximum rules (one slot a day, rest, shifts of a kind,
    minutes, minutes a week, consecutive days, days off); the minimum rules are CP-SAT's."""
    minutes = {s.id: s.minutes for s in problem.shifts}
    forbidden = {s.id: s.not_followed_by for s in problem.shifts}
    workers = {w.id: w for w in problem.workers}
    given: dict[tuple[str, int], Slot] = {}
    used: dict[str, int] = defaultdict(int)
    kinds: dict[tuple[str, str], int] = defaultdict(int)
    week: dict[tuple[str, int], int] = defaultdict(int)
    run: dict[str, int] = defaultdict(int)  # consecutive days worked up to yesterday
    published = problem.published or {}
    by_day: dict[int, list[Cover]] = defaultdict(list)
    for c in problem.cover:
        by_day[c.day].append(c)

    def fits(w: Worker, day: int, slot: Slot) -> bool:
        if (w.id, day) in given or day in w.days_off:
            return False
        m = minutes[slot.shift]
        yesterday = given.get((w.id, day - 1))
        return not (
            (yesterday is not None and slot.shift in forbidden[yesterday.shift])
            or kinds[w.id, slot.shift] >= w.max_shifts.get(slot.shift, problem.horizon)
            or (w.max_minutes is not None and used[w.id] + m > w.max_minutes)
            or (w.max_week_minutes is not None and week[w.id, day // 7] + m > w.max_week_minutes)
            or (w.max_consecutive is not None and run[w.id] >= w.max_consecutive)
        )

    def take(w: Worker, day: int, slot: Slot) -> None:
        given[w.id, day] = slot
        used[w.id] += minutes[slot.shift]
        kinds[w.id, slot.shift] += 1
        week[w.id, day // 7] += minutes[slot.shift]

    for day in range(problem.horizon):
        # qualified rows first (a driver is scarcer than a constable), then head counts
        rows = sorted(by_day[day], key=lambda c: (c.qualification is None, c.shift, c.post))
        for c in rows:
            slot = Slot(c.shift, c.post)
            have = [w for w in workers if given.get((w, day)) == slot]
            if c.qualification is not None:
                have = [w for w in have if c.qualification in workers[w].qualifications]
            wanted = c.requirement - len(have)
            if wanted <= 0:
                continue
            candidates = [
                w
                for w in problem.workers
                if (c.qualification is None or c.qualification in w.qualifications)
                and fits(w, day, slot)
            ]
            candidates.sort(
                key=lambda w: (
                    # re-rostering, whoever the published roster has here keeps it
                    published.get(w.id, ())[day : day + 1] != (slot,),
                    # the least worked, within two shifts: officers who all began together
                    # would all reach their limit of consecutive days together too
                    used[w.id] // (2 * minutes[c.shift]),
                    given.get((w.id, day - 1)) != slot,  # the same post, the same shift
                    c.qualification is None and bool(w.qualifications),  # keep the qualified
                    used[w.id],
                    w.id,
                )
            )
            for w in candidates[:wanted]:
                take(w, day, slot)
        for w in problem.workers:
            run[w.id] = run[w.id] + 1 if (w.id, day) in given else 0
    return given
