"""What a reader of the published JSON can and cannot do, checked from the JSON alone — not
with the report's own solver, so a bug there cannot hide itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

Json = dict[str, Any]
#: one number in the JSON, named so that the same figure printed twice is one unknown
Ref = tuple[str, ...]
#: a published relation: the whole, and the parts that add up to it
Group = tuple[Ref, tuple[Ref, ...]]

TABLES = (
    ("protectees", ("protectees_by_category", "private_persons")),
    ("public_figures", ("protectees_by_category", "public_figures")),
    ("resources", ("resources",)),
    ("by_action", ("decisions_by_action",)),
    ("by_reason", ("decisions_by_reason",)),
    ("oversight", ("oversight",)),
    ("appeals", ("appeal_outcomes",)),
)
#: decisions by reason prints the same per-provider totals as decisions by action
SHARED = {"by_reason": "by_action"}


def cells(value: Any) -> Iterator[Json]:
    """Every published cell anywhere in the document."""
    if isinstance(value, dict):
        if "suppressed" in value:
            yield value
            return
        for item in value.values():
            yield from cells(item)
    elif isinstance(value, list):
        for item in value:
            yield from cells(item)


def tables(doc: Json) -> Iterator[tuple[str, Json]]:
    for name, path in TABLES:
        table = doc
        for key in path:
            table = table[key]
        yield name, table


def numbers(doc: Json) -> dict[Ref, Json]:
    """Every cell that takes part in a relation, by reference."""
    found: dict[Ref, Json] = {}
    for name, table in tables(doc):
        totals = SHARED.get(name, name)
        for r, row in enumerate(table["cells"]):
            for c, cell in enumerate(row):
                found[(name, str(r), str(c))] = cell
        for r, cell in enumerate(table["row_totals"] or ()):
            found[(totals, str(r), "*")] = cell
        for c, cell in enumerate(table["column_totals"] or ()):
            found[(name, "*", str(c))] = cell
        if table["total"] is not None:
            found[(totals, "*", "*")] = table["total"]
    for finding in doc["fairness"]["findings"]:
        if finding["kind"] == "disparity":
            cohort = finding["cohort"]
            space = ("fairness", cohort["office_class"], cohort["threat_level"])
            for name, cell in finding["counts"].items():
                if name.startswith("cohort_"):
                    found[(*space, "*", name)] = cell
                else:
                    found[(*space, finding["affiliation"], name)] = cell
    return found


def groups(doc: Json) -> list[Group]:
    found: list[Group] = []
    for name, table in tables(doc):
        totals = SHARED.get(name, name)
        rows, columns = range(len(table["rows"])), range(len(table["columns"]))
        if table["row_totals"] is not None:
            for r in rows:
                found.append(
                    ((totals, str(r), "*"), tuple((name, str(r), str(c)) for c in columns))
                )
        if table["column_totals"] is not None:
            for c in columns:
                found.append(((name, "*", str(c)), tuple((name, str(r), str(c)) for r in rows)))
        if table["total"] is not None:
            found.append(((totals, "*", "*"), tuple((totals, str(r), "*") for r in rows)))
            found.append(((totals, "*", "*"), tuple((name, "*", str(c)) for c in columns)))
    for finding in doc["fairness"]["findings"]:
        if finding["kind"] == "disparity":
            cohort = finding["cohort"]
            space = ("fairness", cohort["office_class"], cohort["threat_level"])
            for measure in ("protectees", "affected"):
                mine = (*space, finding["affiliation"])
                found.append(
                    (
                        (*space, "*", f"cohort_{measure}"),
                        ((*mine, measure), (*mine, f"rest_{measure}")),
                    )
                )
    return found


def small_published(doc: Json, threshold: int) -> list[Json]:
    return [c for c in cells(doc) if not c["suppressed"] and 0 < c["value"] < threshold]


def exposed_by_subtraction(doc: Json) -> list[Group]:
    """Groups whose published total leaves exactly one hidden part to subtract for."""
    refs = numbers(doc)
    return [
        (whole, parts)
        for whole, parts in groups(doc)
        if not refs[whole]["suppressed"] and sum(refs[p]["suppressed"] for p in parts) == 1
    ]


def solvable(doc: Json) -> list[Ref]:
    """Hidden numbers that the published relations pin to one value, by linear algebra:
    x_j is pinned iff the unit vector e_j lies in the row space of the system."""
    refs = numbers(doc)
    unknowns = sorted(ref for ref, cell in refs.items() if cell["suppressed"])
    index = {ref: n for n, ref in enumerate(unknowns)}
    rows = []
    for whole, parts in groups(doc):
        row = np.zeros(len(unknowns))
        for ref, sign in ((whole, 1.0), *((p, -1.0) for p in parts)):
            if ref in index:
                row[index[ref]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    system = np.array(rows)
    rank = np.linalg.matrix_rank(system)
    pinned = []
    for ref, n in index.items():
        unit = np.zeros(len(unknowns))
        unit[n] = 1.0
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            pinned.append(ref)
    return pinned


def shared_totals_agree(doc: Json) -> bool:
    action, reason = doc["decisions_by_action"], doc["decisions_by_reason"]
    return bool(action["row_totals"] == reason["row_totals"] and action["total"] == reason["total"])
