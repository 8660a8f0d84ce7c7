"""What the charts read: one protectee's cover over time, and the fairness audit made ready for
a reader (each rate with its interval, each finding's evidence resolved to its record).

Guarded like every read in services/guarded.py: the cover history is status (status.read for
that protectee); the audit is oversight's (audit.read), and a finding's evidence is offered as
a link only to a reader who may open the protectee's page it leads to. The cover is replayed
with the reports' own timelines, so the chart can never disagree with the status page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hifazat.access.guard import allowed, require
from hifazat.domain.decision import Action
from hifazat.domain.users import User
from hifazat.reports.findings import CLUSTER, AffiliationRow, Audit, CohortTable, Finding
from hifazat.reports.history import in_force, timelines
from hifazat.reports.intervals import wilson
from hifazat.services import audits
from hifazat.services.guarded import facts_for, gate
from hifazat.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CoverStep:
    """A decision taking effect, and what its provider's detail was from then on."""

    at: datetime
    provider_id: str
    decision: str
    action: Action
    category_id: str
    state: str
    personnel: int
    vehicles: int


@dataclass(frozen=True)
class ProviderCover:
    """One provider's layer: a chart series (`key`, `steps` of officers on duty) and the
    decisions behind it."""

    key: str
    changes: tuple[CoverStep, ...]

    @property
    def steps(self) -> tuple[tuple[datetime, int], ...]:
        return tuple((c.at, c.personnel) for c in self.changes)


@dataclass(frozen=True)
class CoverHistory:
    protectee_id: str
    start: datetime
    end: datetime
    layers: tuple[ProviderCover, ...]

    @property
    def changes(self) -> tuple[CoverStep, ...]:
        """Every change, newest first, for the table beside the chart."""
        every = [c for layer in self.layers for c in layer.changes]
        return tuple(sorted(every, key=lambda c: (c.at, c.provider_id), reverse=True))


def cover_history(uow: UnitOfWork, user: User, pid: str, now: datetime) -> CoverHistory:
    """The protectee's cover from its first decision taking effect until `now`, by provider:
    officers and vehicles committed (a suspended detail is stood down, so it counts 0)."""
    with uow.reading():
        gate(uow, user, "status.read", pid)
        uow.repo.protectee(pid)  # an unknown protectee is 404 to whoever may see everyone
        decisions = in_force(uow.repo.decisions(pid), now)
        lines = timelines(decisions, uow.repo.providers())
    layers = []
    for (_, provider_id), steps in sorted(lines.items()):
        changes = tuple(
            CoverStep(
                s.at,
                provider_id,
                s.decision.id,
                s.decision.action,
                s.cover.category_id,
                s.cover.state.value,
                *s.cover.committed,
            )
            for s in steps
        )
        layers.append(ProviderCover(provider_id, changes))
    first = min((c.at for layer in layers for c in layer.changes), default=now)
    return CoverHistory(pid, min(first, now), now, tuple(layers))


@dataclass(frozen=True)
class RateRow:
    """An audit row with its rate's 95% Wilson interval."""

    row: AffiliationRow
    low: float
    high: float

    @property
    def key(self) -> str:
        return self.row.affiliation

    @property
    def rate(self) -> float:
        return self.row.rate


@dataclass(frozen=True)
class Evidence:
    """A record behind a finding: a decision or a ground report, when it bit or was observed,
    and whose page shows it (None when the reader may not open that page)."""

    id: str
    kind: str
    at: datetime | None
    protectee_id: str | None


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    evidence: tuple[Evidence, ...]
    #: the first and last event of a cluster (the same instant when they coincide)
    first: datetime | None
    last: datetime | None
    protectees: int
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class AuditView:
    audit: Audit
    tables: tuple[tuple[CohortTable, tuple[RateRow, ...]], ...]
    findings: tuple[FindingView, ...]


def audit_view(
    uow: UnitOfWork, user: User, start: datetime, end: datetime, now: datetime
) -> AuditView:
    """The audit as `audits.fairness` finds it, its findings unchanged, with intervals added."""
    require(user, "audit.read")
    result = audits.fairness(uow, start, end, now)
    tables = tuple(
        (t, tuple(RateRow(r, *wilson(r.affected, r.protectees)) for r in t.rows))
        for t in result.tables
    )
    with uow.reading():
        decisions = {d.id: d for d in uow.repo.decisions()}
        reports = {r.id: r for r in uow.repo.discrepancies()}
        seen: dict[str, bool] = {}

        def visible(pid: str) -> bool:
            if pid not in seen:
                facts = facts_for(uow, pid)
                seen[pid] = allowed(user, "status.read", facts) and allowed(
                    user, "decision.read", facts
                )
            return seen[pid]

        findings = []
        for f in result.findings:
            evidence = []
            kinds: dict[str, None] = {}
            people: set[str] = set()
            for eid in f.evidence:
                if eid in decisions:
                    d = decisions[eid]
                    at, pid, kind = d.takes_effect_at, d.protectee_id, str(d.action)
                elif eid in reports:
                    r = reports[eid]
                    at, pid, kind = r.observed_at, r.protectee_id, "report"
                else:
                    at, pid, kind = None, None, "record"
                if pid:
                    people.add(pid)
                kinds[kind] = None
                evidence.append(Evidence(eid, kind, at, pid if pid and visible(pid) else None))
            times = [e.at for e in evidence if e.at is not None]
            findings.append(
                FindingView(
                    f,
                    tuple(evidence),
                    min(times, default=None) if f.kind == CLUSTER else None,
                    max(times, default=None) if f.kind == CLUSTER else None,
                    len(people),
                    tuple(sorted(kinds)),
                )
            )
    return AuditView(result, tables, tuple(findings))
