"""Cluster findings: the domain's cluster rule (3+ adverse events against one affiliation by
one provider within 7 days) applied to one period, so the audit and the registry's CLUSTER
flag can never disagree about what a cluster is."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from hifazat.domain.decision import Action
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.flags import ADVERSE_KINDS, AdverseEvent, cluster_flags
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Protectee
from hifazat.reports.cohorts import NONE, affiliation_at
from hifazat.reports.findings import CLUSTER, Finding


def _counts(report: DiscrepancyReport, now: datetime) -> bool:
    """A report counts unless it was found unfounded by `now`, as in the CLUSTER flag: a
    founded report stays evidence once resolved."""
    if not report.unfounded:
        return True
    return report.resolved_at is not None and now < report.resolved_at


def reports_in(
    reports: Iterable[DiscrepancyReport], start: datetime, end: datetime, now: datetime
) -> list[DiscrepancyReport]:
    """Ground reports observed in the period, filed by `now`, not found unfounded by then."""
    return [
        r
        for r in reports
        if start <= r.observed_at < end and r.reported_at <= now and _counts(r, now)
    ]


class Event(NamedTuple):
    """An adverse decision biting: when, which, what it did, to whom, by which provider."""

    at: datetime
    decision: str
    action: Action
    protectee_id: str
    provider_id: str


def cluster_findings(
    policy: Policy,
    protectees: Mapping[str, Protectee],
    events: Iterable[Event],
    reports: Iterable[DiscrepancyReport],
) -> list[Finding]:
    """The domain's cluster rule, over the period's adverse decisions and ground reports;
    unaffiliated protectees form no cluster, as in the registry's own CLUSTER flag."""
    adverse = []
    for event in events:
        name = affiliation_at(policy, protectees[event.protectee_id], event.at)
        if name != NONE:
            kind = ADVERSE_KINDS[event.action]
            adverse.append(
                AdverseEvent(
                    event.decision,
                    kind,
                    event.protectee_id,
                    event.provider_id,
                    name,
                    event.at,
                )
            )
    for r in reports:
        name = affiliation_at(policy, protectees[r.protectee_id], r.observed_at)
        if name != NONE:
            adverse.append(
                AdverseEvent(
                    r.id, "ground reports", r.protectee_id, r.provider_id, name, r.observed_at
                )
            )
    return [
        Finding(CLUSTER, f.subject, f.detail, f.evidence, provider=f.provider, since=f.since)
        for f in cluster_flags(adverse)
    ]
