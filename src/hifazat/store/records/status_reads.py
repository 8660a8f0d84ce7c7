"""Everything a protectee's status reads, in one round trip.

The person and their offices, decisions with approvals, steps, appeals, threat assessments,
reviews, ground reports, the notices nothing will deliver, and the version of the shared policy
and providers: ten statements, each its own round trip and each built afresh by SQLAlchemy,
were most of a status read's time (issue 15's profile: fifteen waits on the server, and the
statement building, for 4 % of the time in the domain). Each set is the statement its reader
already sends, so the rows and their conversion are the reader's own; `JsonSets` carries them.

What is read lands in the repository's caches, as if each reader had run: the long-lived ones
(the person, decisions, appeals, assessments, kept in step with writes) where still empty, and
the rest (`primed`) for the next read of each to take once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ARRAY, ColumnElement, String, any_, bindparam, cast, func, select, union_all

from hifazat.domain.flags import UndeliveredNotice
from hifazat.store import tables as t
from hifazat.store.json_sets import JsonSets, RowSet
from hifazat.store.outbox_store import undelivered_from_row, undelivered_order, undelivered_query
from hifazat.store.records.decisions import (
    appeal_from_row,
    appeal_order,
    appeals_query,
    decision_from_row,
    decision_order,
    decision_query,
    enriched,
    step_order,
    steps_query,
)
from hifazat.store.records.entries import (
    assessment_from_row,
    assessment_order,
    assessments_query,
    discrepancies_query,
    discrepancy_order,
    review_order,
    reviews_query,
)
from hifazat.store.records.registry import (
    ABOUT_TABLES,
    VERSION_PARTS,
    about_order,
    about_parts,
    protectees_from,
)

if TYPE_CHECKING:
    from hifazat.store.repository import Repository

PID = bindparam("pid", type_=String())


def _sets(postgres: bool) -> tuple[dict[str, RowSet], dict[str, ColumnElement[Any]]]:
    d = t.decisions

    def of_theirs(column: ColumnElement[Any]) -> ColumnElement[bool]:
        """Rows keyed by one of the protectee's decisions. On PostgreSQL as `= ANY` of an
        array computed once, which the key's index answers whatever the planner's statistics
        say (an `IN` over a subquery was once planned as a scan of every review)."""
        if postgres:
            ids = select(func.array_agg(d.c.id)).where(d.c.protectee_id == PID)
            return column == any_(cast(ids.scalar_subquery(), ARRAY(String())))
        return column.in_(select(d.c.id).where(d.c.protectee_id == PID))

    about = union_all(
        *(
            part.where(table.c.protectee_id == PID)
            for part, table in zip(about_parts(), ABOUT_TABLES, strict=True)
        )
    )
    sets = {
        "about": RowSet(about, about_order),
        "protectee": RowSet(select(t.protectees).where(t.protectees.c.id == PID)),
        "decisions": RowSet(decision_query().where(d.c.protectee_id == PID), decision_order),
        "steps": RowSet(steps_query().where(of_theirs(t.approval_steps.c.decision_id)), step_order),
        "appeals": RowSet(appeals_query().where(d.c.protectee_id == PID), appeal_order),
        "assessments": RowSet(
            assessments_query().where(t.threat_assessments.c.protectee_id == PID),
            assessment_order,
        ),
        "reviews": RowSet(reviews_query().where(of_theirs(t.reviews.c.coverage)), review_order),
        "discrepancies": RowSet(
            discrepancies_query().where(t.discrepancies.c.protectee_id == PID),
            discrepancy_order,
        ),
        "undelivered": RowSet(
            undelivered_query().where(t.notices.c.protectee_id == PID), undelivered_order
        ),
    }
    names = ("policy_seq", "providers", "categories")
    scalars: dict[str, ColumnElement[Any]] = dict(zip(names, VERSION_PARTS, strict=True))
    return sets, scalars


STATUS_READS = JsonSets(_sets)


def read_ahead(repo: Repository, protectee_id: str) -> list[UndeliveredNotice]:
    """Fills `repo`'s caches for a status of `protectee_id`; returns the undelivered notices
    (whenever written), which the outbox's reader takes."""
    repo.flush()  # rows held back must be seen
    rows = STATUS_READS.read(repo.c, {"pid": protectee_id})
    repo.know_version((rows["policy_seq"], rows["providers"], rows["categories"]))
    if not rows["protectee"]:
        return []  # unknown: the readers say so themselves, as they would have
    pid = protectee_id
    if pid not in repo.protectee_cache:
        repo.protectee_cache.update(protectees_from(rows["about"], rows["protectee"]))
    if pid not in repo.appeal_cache:
        repo.appeal_cache[pid] = [appeal_from_row(r) for r in rows["appeals"]]
    if pid not in repo.decision_cache:
        found = [decision_from_row(r) for r in rows["decisions"]]
        decisions = enriched(found, rows["steps"], repo.appeal_cache[pid])
        repo.decision_cache[pid] = decisions
        for decision in decisions:
            repo.decision_owner[decision.id] = pid
    if pid not in repo.assessment_cache:
        repo.assessment_cache[pid] = [assessment_from_row(r) for r in rows["assessments"]]
    repo.primed[("reviews", pid)] = rows["reviews"]
    repo.primed[("discrepancies", pid)] = rows["discrepancies"]
    return [undelivered_from_row(r) for r in rows["undelivered"]]
