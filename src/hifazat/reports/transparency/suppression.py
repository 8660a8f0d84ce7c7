"""Small-cell suppression over additive relations (`whole = sum of parts`).

The public report is a set of numbers tied together by sums: rows add up to row totals,
columns to column totals, a group and the rest of its cohort to the cohort. Hiding a small
number is useless if a reader can get it back by subtraction, so suppression is decided over
all those relations at once, not cell by cell:

1. primary: a cell the caller forces is hidden ("withheld", whatever its value: the marker
   must not tell how small it is); otherwise a cell is hidden if its value is in
   (0, threshold) ("small"), or if fewer than `threshold` but more than zero private persons
   stand behind it ("withheld": the value itself may be large);
2. secondary, per relation whose whole is published: if exactly one of its parts is hidden,
   or its hidden parts together hold a value or a number of private persons in
   (0, threshold), hide one more published non-zero part — the one that leaves the fewest
   other relations with a lone hidden part, then the smallest, then the first in reading
   order; if there is none, hide the whole;
3. secondary, for the system as a whole: solving every relation exactly (linear algebra over
   the rationals) must leave each hidden cell undetermined; while one is determined, hide a
   published non-zero cell of a relation it belongs to, chosen as in step 2, then go back
   to step 2.

Zero is never hidden by step 1: an empty cell singles nobody out. Every step only adds to
what is hidden, so the loop ends; in the worst case everything non-zero is hidden. Bounds
from non-negativity are not considered: a hidden cell may be narrowed to a range, never
pinned to a value."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

#: the cell's own value is in (0, threshold): shown as "<threshold"
SMALL = "small"
#: hidden to protect another cell, or the private persons behind it: the value may be large
WITHHELD = "withheld"

Key = tuple[str, ...]
_Test = Callable[[Sequence[Key]], bool]
_Pick = Callable[[Iterable[Key]], Key | None]


@dataclass(frozen=True)
class Relation:
    """`whole` is the sum of `parts`, so a reader can solve for any one of them."""

    whole: Key
    parts: tuple[Key, ...]


def suppress(
    values: Mapping[Key, float],
    people: Mapping[Key, int],
    relations: Sequence[Relation],
    threshold: int,
    forced: Iterable[Key] = (),
) -> dict[Key, str]:
    """The cells to hide (key -> SMALL or WITHHELD); `values` in reading order, which breaks
    ties, and `people` the private persons behind each cell (missing: none)."""
    forced = set(forced)
    order = {key: n for n, key in enumerate(values)}
    hidden: dict[Key, str] = {}
    for key, value in values.items():
        if key in forced:
            hidden[key] = WITHHELD  # even if small: "<5" would say how small, which is the secret
        elif 0 < value < threshold:
            hidden[key] = SMALL
        elif 0 < people.get(key, 0) < threshold:
            hidden[key] = WITHHELD

    def small(keys: Sequence[Key]) -> bool:
        total = sum(values[k] for k in keys)
        persons = sum(people.get(k, 0) for k in keys)
        return 0 < total < threshold or 0 < persons < threshold

    member: dict[Key, list[Relation]] = {}
    for relation in relations:
        for part in relation.parts:
            member.setdefault(part, []).append(relation)

    def lone_after(key: Key) -> int:
        """How many relations hiding `key` would leave with a lone hidden part, less how
        many it would rescue from having one: prefer cells that close a gap, not open one."""
        score = 0
        for relation in member.get(key, ()):
            if relation.whole not in hidden:
                secret = sum(p in hidden for p in relation.parts)
                score += 1 if secret == 0 else -1 if secret == 1 else 0
        return score

    def smallest(keys: Iterable[Key]) -> Key | None:
        open_ = [k for k in keys if k not in hidden and values[k] > 0]
        return min(open_, key=lambda k: (lone_after(k), values[k], order[k]), default=None)

    while True:
        pick = _relation_fix(relations, hidden, small, smallest)
        if pick is None:
            pick = _system_fix(relations, hidden, values, order, smallest)
        if pick is None:
            return hidden
        hidden[pick] = WITHHELD


def _relation_fix(
    relations: Sequence[Relation],
    hidden: Mapping[Key, str],
    small: _Test,
    smallest: _Pick,
) -> Key | None:
    for relation in relations:
        if relation.whole in hidden:
            continue
        secret = [p for p in relation.parts if p in hidden]
        if secret and (len(secret) == 1 or small(secret)):
            return smallest(relation.parts) or relation.whole
    return None


def _system_fix(
    relations: Sequence[Relation],
    hidden: Mapping[Key, str],
    values: Mapping[Key, float],
    order: Mapping[Key, int],
    smallest: _Pick,
) -> Key | None:
    unknowns = sorted(hidden, key=lambda k: order[k])
    for key in determined(unknowns, relations):
        near = [k for r in relations if key in (r.whole, *r.parts) for k in (*r.parts, r.whole)]
        pick = smallest(near) or smallest(values)
        if pick is not None:
            return pick
    return None


def determined(unknowns: Sequence[Key], relations: Sequence[Relation]) -> list[Key]:
    """The unknowns the relations pin to one value, whatever the others are: in the reduced
    row echelon form, a pivot whose row has nothing in the free columns."""
    index = {key: n for n, key in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for relation in relations:
        row = [Fraction(0)] * len(unknowns)
        for key, sign in ((relation.whole, 1), *((p, -1) for p in relation.parts)):
            if key in index:
                row[index[key]] += sign
        if any(row):
            rows.append(row)
    pivots: list[int] = []
    for column in range(len(unknowns)):
        top = len(pivots)
        found = next((n for n in range(top, len(rows)) if rows[n][column]), None)
        if found is None:
            continue
        rows[top], rows[found] = rows[found], rows[top]
        lead = rows[top][column]
        rows[top] = [x / lead for x in rows[top]]
        for n, row in enumerate(rows):
            if n != top and row[column]:
                factor = row[column]
                rows[n] = [a - factor * b for a, b in zip(row, rows[top], strict=True)]
        pivots.append(column)
    free = [c for c in range(len(unknowns)) if c not in set(pivots)]
    return [
        unknowns[column] for n, column in enumerate(pivots) if all(rows[n][f] == 0 for f in free)
    ]
