"""The fairness audit: are withdrawals and downgrades falling harder on one affiliation than on
comparable protectees (same office class, same threat level) of other affiliations?

Definitions, chosen to be simple to explain to a committee:
- adverse event: a withdrawal or downgrade in force by `now` that took effect in [start, end);
- population: every protectee with open cover just before `start`, classified then, and every
  protectee granted cover during the period, classified when granted; a protectee is also a
  member of the (cohort, affiliation) they were in at each of their adverse events, so a
  protectee whose cohort changed mid-period may count in two cohorts;
- rate: members with 1+ adverse event / members;
- test: per affiliation against the rest of its cohort, a one-sided Fisher exact test on
  [[affected, unaffected], [rest affected, rest unaffected]]; flagged at p < ALPHA with at
  least MIN_EVENTS events. Unaffiliated protectees are tabled and count in the rest, but are
  not tested: the question is about parties. No correction for multiple tests is made:
  a finding is a prompt to look at the evidence, not a verdict."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from scipy.stats import fisher_exact

from hifazat.domain.decision import Action
from hifazat.reports.clusters import Event, cluster_findings, reports_in
from hifazat.reports.cohorts import NONE, Cohort, affiliation_at, cohort_at
from hifazat.reports.findings import (
    DISPARITY,
    AffiliationRow,
    Audit,
    CohortTable,
    Finding,
)
from hifazat.reports.history import (
    History,
    check_period,
    cover_before,
    in_force,
    timelines,
)
from hifazat.reports.lean import LeanHistory, in_force_by

__all__ = [
    "ALPHA",
    "MIN_EVENTS",
    "AffiliationRow",
    "Audit",
    "Cohort",
    "CohortTable",
    "Finding",
    "History",
    "audit",
    "audit_lean",
]

ALPHA = 0.05
MIN_EVENTS = 3
ADVERSE = frozenset({Action.WITHDRAW, Action.DOWNGRADE})

_Key = tuple[Cohort, str]


@dataclass
class _Cell:
    members: set[str] = field(default_factory=set)
    affected: set[str] = field(default_factory=set)
    evidence: list[str] = field(default_factory=list)


def audit(
    history: History,
    start: datetime,
    end: datetime,
    now: datetime,
    provider: str | None = None,
) -> Audit:
    """The audit of [start, end) as the record stood at `now`; `provider` narrows it to one.
    The reference the lean audit (`audit_lean`) is held to: it replays whole decisions."""
    check_period(start, end, now)
    decisions = [d for d in in_force(history.decisions, now) if provider in (None, d.provider_id)]
    lines = timelines(decisions, history.providers)
    entries: dict[str, datetime] = {}
    events: list[Event] = []
    for (protectee_id, _), steps in lines.items():
        before = cover_before(steps, start)
        if before is not None and before.open:
            entries[protectee_id] = start
        for step in steps:
            if not start <= step.at < end:
                continue
            if step.decision.action is Action.GRANT:
                entries[protectee_id] = min(entries.get(protectee_id, step.at), step.at)
            elif step.decision.action in ADVERSE:
                d = step.decision
                events.append(Event(step.at, d.id, d.action, protectee_id, d.provider_id))
    return _audit(history, entries, events, start, end, now, provider)


def audit_lean(
    history: LeanHistory,
    start: datetime,
    end: datetime,
    now: datetime,
    provider: str | None = None,
) -> Audit:
    """`audit` over decision facts: the same audit, without building a cover per step."""
    check_period(start, end, now)
    facts = [f for f in history.facts if provider in (None, f.provider_id)]
    entries: dict[str, datetime] = {}
    events: list[Event] = []
    for (protectee_id, _), timed in in_force_by(facts, now).items():
        # the cover just before `start` is open unless the last decision before it withdrew it
        before = [f for at, _, _, _, f in timed if at < start]
        if before and before[-1].action is not Action.WITHDRAW:
            entries[protectee_id] = start
        for at, _, _, _, f in timed:
            if not start <= at < end:
                continue
            if f.action is Action.GRANT:
                entries[protectee_id] = min(entries.get(protectee_id, at), at)
            elif f.action in ADVERSE:
                events.append(Event(at, f.id, f.action, protectee_id, f.provider_id))
    return _audit(history, entries, events, start, end, now, provider)


def _audit(
    history: History | LeanHistory,
    entries: dict[str, datetime],
    events: list[Event],
    start: datetime,
    end: datetime,
    now: datetime,
    provider: str | None,
) -> Audit:
    """Members and adverse events into cohort tables, tests and findings."""
    threats = history.assessments_by_protectee()

    def place(protectee_id: str, at: datetime) -> _Key:
        protectee = history.protectees[protectee_id]
        cohort = cohort_at(history.policy, protectee, threats.get(protectee_id, ()), at)
        return cohort, affiliation_at(history.policy, protectee, at)

    events.sort(key=lambda e: (e.at, e.decision))
    cells: dict[_Key, _Cell] = defaultdict(_Cell)
    for protectee_id, at in entries.items():
        cells[place(protectee_id, at)].members.add(protectee_id)
    for event in events:
        cell = cells[place(event.protectee_id, event.at)]
        cell.members.add(event.protectee_id)
        cell.affected.add(event.protectee_id)
        cell.evidence.append(event.decision)

    tables = _tables(cells)
    findings = [_disparity(t, r) for t in tables for r in t.rows if r.flagged]
    reports = [r for r in history.reports if provider in (None, r.provider_id)]
    findings += cluster_findings(
        history.policy, history.protectees, events, reports_in(reports, start, end, now)
    )
    return Audit(start, end, now, provider, ALPHA, MIN_EVENTS, tuple(tables), tuple(findings))


def _tables(cells: dict[_Key, _Cell]) -> list[CohortTable]:
    by_cohort: dict[Cohort, dict[str, _Cell]] = defaultdict(dict)
    for (cohort, affiliation), cell in cells.items():
        by_cohort[cohort][affiliation] = cell
    tables = []
    for cohort in sorted(by_cohort, key=lambda c: c.sort_key):
        group = by_cohort[cohort]
        plain = [
            AffiliationRow(
                name,
                len(group[name].members),
                len(group[name].affected),
                len(group[name].evidence),
                evidence=tuple(group[name].evidence),
            )
            for name in sorted(group, key=lambda name: (name == NONE, name))
        ]
        tables.append(CohortTable(cohort, tuple(fisher_tested(row, plain) for row in plain)))
    return tables


def _rest(row: AffiliationRow, rows: Iterable[AffiliationRow]) -> AffiliationRow:
    """Every other affiliation of the cohort, pooled."""
    others = [r for r in rows if r.affiliation != row.affiliation]
    return AffiliationRow(
        "rest",
        sum(r.protectees for r in others),
        sum(r.affected for r in others),
        sum(r.events for r in others),
    )


def fisher_tested(row: AffiliationRow, rows: list[AffiliationRow]) -> AffiliationRow:
    """The row with its one-sided Fisher exact p against the rest, flagged by the audit's
    significance and minimum-count rules (the ground's understaffing test reuses it)."""
    rest = _rest(row, rows)
    if row.affiliation == NONE or rest.protectees == 0:
        return row
    table = [
        [row.affected, row.protectees - row.affected],
        [rest.affected, rest.protectees - rest.affected],
    ]
    p = float(fisher_exact(table, alternative="greater").pvalue)
    return replace(row, p_value=p, flagged=p < ALPHA and row.events >= MIN_EVENTS)


def _disparity(table: CohortTable, row: AffiliationRow) -> Finding:
    rest = _rest(row, table.rows)
    assert row.p_value is not None
    detail = (
        f"{row.affiliation} in {table.cohort}: {row.affected} of {row.protectees} protectees "
        f"({row.rate:.0%}) had cover withdrawn or cut ({row.events} decisions), against "
        f"{rest.affected} of {rest.protectees} ({rest.rate:.0%}) in the rest of the cohort; "
        f"one-sided Fisher exact p = {row.p_value:.2g}"
    )
    return Finding(
        DISPARITY, row.affiliation, detail, row.evidence, table.cohort, row, rest, row.p_value
    )
