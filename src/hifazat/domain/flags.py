"""Flags: what oversight must look at. Unlike refusals they never block a change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hifazat.domain.appeal import Appeal
from hifazat.domain.coverage import Cover, CoverState
from hifazat.domain.decision import Action, Basis, Decision
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Protectee
from hifazat.domain.provider import Provider
from hifazat.domain.said import Instant, Ref, Said, Span, Term
from hifazat.domain.threat import ThreatAssessment, current_assessment
from hifazat.domain.times import day_start, format_duration, local_date, utc_text
from hifazat.domain.words import N_, NP_

CLUSTER_WINDOW = timedelta(days=7)
#: the decisions that count against an affiliation, and what a finding calls them
ADVERSE_KINDS = {Action.WITHDRAW: "withdrawals", Action.DOWNGRADE: "downgrades"}
CLUSTER_MIN_EVENTS = 3


@dataclass(frozen=True)
class Flag:
    rule: str
    protectee: str | None
    provider: str | None
    subject: str
    since: datetime
    detail: str
    evidence: tuple[str, ...] = field(default=())
    #: the detail as a page tells it, in its reader's words (the API and CLI keep `detail`)
    said: Said | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "protectee": self.protectee,
            "provider": self.provider,
            "subject": self.subject,
            "since": utc_text(self.since),
            "detail": self.detail,
            "evidence": list(self.evidence),
        }


def review_flags(
    covers: Iterable[Cover], last_reviewed: Mapping[str, datetime], policy: Policy, now: datetime
) -> list[Flag]:
    """R-REVIEW: every open cover is re-examined within `review_every` of its last look."""
    flags = []
    for cover in covers:
        if not cover.open:
            continue
        looked = max(cover.since, last_reviewed.get(cover.coverage, cover.since))
        due = looked + policy.review_every
        if due < now:
            flags.append(
                Flag(
                    "R-REVIEW",
                    cover.protectee_id,
                    cover.provider_id,
                    cover.coverage,
                    due,
                    f"review overdue since {utc_text(due)}: last examined {utc_text(looked)}, "
                    f"policy requires every {format_duration(policy.review_every)}",
                    said=Said(
                        N_(
                            "review overdue since {due}: last examined {looked}, policy "
                            "requires every {period}"
                        ),
                        due=Instant(due),
                        looked=Instant(looked),
                        period=Span(policy.review_every),
                    ),
                )
            )
    return flags


def basis_flags(
    covers: Iterable[Cover],
    protectee: Protectee,
    assessments: Iterable[ThreatAssessment],
    policy: Policy,
    now: datetime,
) -> list[Flag]:
    """R-BASIS: threat cover needs a valid assessment; positional cover needs an office held."""
    assessments = list(assessments)
    flags = []
    for cover in covers:
        if not cover.open:
            continue
        if cover.basis is Basis.THREAT and current_assessment(assessments, now) is None:
            expired = [a.valid_until for a in assessments if a.valid_until <= now]
            since = max([cover.since, *expired])
            detail = N_("threat-based cover with no valid threat assessment")
        elif cover.basis is Basis.POSITIONAL and not protectee.offices_on(
            local_date(now, policy.timezone)
        ):
            ended = [o.until for o in protectee.offices if o.until is not None]
            since = max([cover.since, *(day_start(d, policy.timezone) for d in ended)])
            detail = N_("positional cover but no office is held")
        else:
            continue
        flags.append(
            Flag(
                "R-BASIS",
                protectee.id,
                cover.provider_id,
                cover.coverage,
                since,
                detail,
                said=Said(detail),
            )
        )
    return flags


def sanction_flags(provider: Provider, covers: Iterable[Cover], now: datetime) -> list[Flag]:
    """R-SANCTION: a provider has committed more officers or vehicles than its sanctioned pool."""
    personnel = vehicles = 0
    for cover in covers:
        p, v = cover.committed
        personnel, vehicles = personnel + p, vehicles + v
    over = []
    if personnel > provider.pool_personnel:
        over.append(
            Said(
                N_("{n} personnel committed against a pool of {pool}"),
                n=personnel,
                pool=provider.pool_personnel,
            )
        )
    if vehicles > provider.pool_vehicles:
        over.append(
            Said(
                N_("{n} vehicles committed against a pool of {pool}"),
                n=vehicles,
                pool=provider.pool_vehicles,
            )
        )
    if not over:
        return []
    said = (
        over[0] if len(over) == 1 else Said(N_("{first}; {second}"), first=over[0], second=over[1])
    )
    return [Flag("R-SANCTION", None, provider.id, provider.id, now, said.text(), said=said)]


def discrepancy_flags(reports: Iterable[DiscrepancyReport], now: datetime) -> list[Flag]:
    """DISCREPANCY: an open ground report that what is deployed is not what is authorised."""
    return [
        Flag("DISCREPANCY", r.protectee_id, r.provider_id, r.id, r.observed_at, r.text)
        for r in reports
        if r.open_at(now)
    ]


@dataclass(frozen=True)
class AdverseEvent:
    """A withdrawal, downgrade or ground report, as the cluster rule counts it."""

    id: str
    kind: str
    protectee_id: str
    provider_id: str
    affiliation: str
    at: datetime


def cluster_flags(events: Iterable[AdverseEvent]) -> list[Flag]:
    """CLUSTER: 3+ adverse events against one affiliation by one provider within 7 days.
    Overlapping windows chain into one finding, so one purge is one flag."""
    groups: dict[tuple[str, str], list[AdverseEvent]] = defaultdict(list)
    for event in events:
        groups[(event.provider_id, event.affiliation)].append(event)
    flags = []
    for (provider, affiliation), group in sorted(groups.items()):
        group.sort(key=lambda e: (e.at, e.id))
        for run in _chains(group):
            kinds = sorted({e.kind for e in run})
            people = sorted({e.protectee_id for e in run})
            flags.append(
                Flag(
                    "CLUSTER",
                    None,
                    provider,
                    affiliation,
                    run[0].at,
                    f"{len(run)} {' and '.join(kinds)} against {affiliation} by {provider} "
                    f"between {utc_text(run[0].at)} and {utc_text(run[-1].at)} "
                    f"({len(people)} protectees)",
                    tuple(e.id for e in run),
                    said=_cluster_said(run, affiliation, provider, kinds, len(people)),
                )
            )
    return flags


#: the kinds of adverse event a cluster counts, as a page names them
ADVERSE_WORDS = [
    NP_("adverse event", "withdraws"),
    NP_("adverse event", "downgrades"),
    NP_("adverse event", "ground reports"),
    NP_("adverse event", "nominal covers"),
    NP_("adverse event", "understaffed covers"),
]


def _cluster_said(
    run: list[AdverseEvent], affiliation: str, provider: str, kinds: list[str], people: int
) -> Said:
    """The cluster as a page tells it: a run within one instant is said to be at that time."""
    values = {
        "n": len(run),
        "kinds": tuple(Term("adverse event", k) for k in kinds),
        "affiliation": affiliation,
        "force": Ref("provider", provider),
        "first": Instant(run[0].at),
        "last": Instant(run[-1].at),
        "people": people,
    }
    if run[0].at == run[-1].at:
        return Said(
            N_(
                "{n} adverse events ({kinds}) against {affiliation} by {force}, all at "
                "{first}, affecting {people} protectees"
            ),
            **values,
        )
    return Said(
        N_(
            "{n} adverse events ({kinds}) against {affiliation} by {force} between {first} "
            "and {last}, affecting {people} protectees"
        ),
        **values,
    )


def _chains(events: list[AdverseEvent]) -> list[list[AdverseEvent]]:
    """Windows of 3+ events, merged where they share an event."""
    spans: list[tuple[int, int]] = []
    end = 0
    for start in range(len(events)):
        end = max(end, start)
        while end + 1 < len(events) and events[end + 1].at - events[start].at <= CLUSTER_WINDOW:
            end += 1
        if end - start + 1 < CLUSTER_MIN_EVENTS:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return [events[a : b + 1] for a, b in spans]


def ratify_flags(decisions: Iterable[Decision], policy: Policy, now: datetime) -> list[Flag]:
    """R-RATIFY: an emergency decision the committee has not ratified within the window."""
    flags = []
    for d in decisions:
        if not d.emergency or d.decided_at is None or d.decided_at > now or not d.approved:
            continue
        if d.ratification is not None and d.ratification.at <= now:
            continue
        deadline = d.decided_at + policy.emergency_ratification_within
        if deadline < now:
            window = format_duration(policy.emergency_ratification_within)
            flags.append(
                Flag(
                    "R-RATIFY",
                    d.protectee_id,
                    d.provider_id,
                    d.id,
                    deadline,
                    f"emergency {d.action} by {d.approved_by} not ratified by the committee "
                    f"within {window} (due {utc_text(deadline)})",
                    said=Said(
                        N_(
                            "emergency {action} by {who} not ratified by the committee within "
                            "{window} (due {due})"
                        ),
                        action=Term("action", d.action.value),
                        who=Ref("user", d.approved_by or ""),
                        window=Span(policy.emergency_ratification_within),
                        due=Instant(deadline),
                    ),
                )
            )
    return flags


def appeal_flags(appeals: Iterable[Appeal], policy: Policy, now: datetime) -> list[Flag]:
    """R-APPEAL: an appeal still undecided past the policy's window."""
    flags = []
    for appeal in appeals:
        deadline = appeal.lodged_at + policy.appeal_decide_within
        if appeal.open_at(now) and deadline < now:
            flags.append(
                Flag(
                    "R-APPEAL",
                    appeal.protectee_id,
                    None,
                    appeal.id,
                    deadline,
                    f"appeal against {appeal.decision_id} lodged {utc_text(appeal.lodged_at)} "
                    f"is undecided past {format_duration(policy.appeal_decide_within)}",
                    said=Said(
                        N_("an appeal lodged {lodged} is undecided past {window}"),
                        lodged=Instant(appeal.lodged_at),
                        window=Span(policy.appeal_decide_within),
                    ),
                )
            )
    return flags


def threat_floor_flags(
    covers: Iterable[Cover],
    protectee: Protectee,
    assessments: Iterable[ThreatAssessment],
    policy: Policy,
    now: datetime,
) -> list[Flag]:
    """R-THREAT as a flag: a valid assessment sets a floor the protectee's cover is below,
    so the committee should look (nothing is refused: no decision is being made)."""
    assessment = current_assessment(assessments, now)
    if assessment is None:
        return []
    floor = policy.threat_floor(assessment.level)
    best = max((c.rank for c in covers if c.state is CoverState.ACTIVE), default=0)
    if best >= floor:
        return []
    return [
        Flag(
            "R-THREAT",
            protectee.id,
            None,
            assessment.id,
            max(assessment.assessed_at, assessment.entered_at),
            f"a {assessment.level} threat assessment sets a floor of rank {floor}; the best "
            f"active cover is rank {best}: for the committee",
            said=Said(
                N_(
                    "a {level} threat assessment sets a floor of rank {floor}; the best active "
                    "cover is rank {best}: for the committee"
                ),
                level=assessment.level,
                floor=floor,
                best=best,
            ),
        )
    ]


@dataclass(frozen=True)
class UndeliveredNotice:
    """A notice that has not reached its recipient and, as things stand, will not: nobody it
    could go to has a channel, or it went dead after its rounds."""

    notice_id: str
    protectee_id: str
    provider_id: str
    recipient: str
    recipient_kind: str
    created_at: datetime
    dead: bool


NOTICE_RULE = "NOTICE-UNDELIVERABLE"


def notice_flags(undelivered: Iterable[UndeliveredNotice]) -> list[Flag]:
    """NOTICE-UNDELIVERABLE: a person is owed a notice that nothing will bring them, so the
    desk must reach them another way, register a channel, or fix one and requeue. The failure
    text itself is not repeated here (it may carry an address); `hifazat notices` shows it."""
    flags = []
    for n in undelivered:
        who = f"notice {n.notice_id} to {n.recipient} ({n.recipient_kind})"
        detail = (
            f"{who} went dead after its delivery rounds: fix the channel, then "
            f"`hifazat notices requeue {n.notice_id}`"
            if n.dead
            else f"{who} has nowhere to go: no channel is registered for the "
            f"{n.recipient_kind}; add one with `hifazat channels add`"
        )
        to = (
            Ref("user", n.recipient)
            if n.recipient_kind != "protectee"
            else Ref("person", n.recipient)
        )
        said = (
            Said(
                N_(
                    "the notice to {who} could not be delivered after every attempt: correct "
                    "the address, then send it again from this page"
                ),
                who=to,
            )
            if n.dead
            else Said(
                N_(
                    "the notice to {who} has nowhere to go: no channel is registered for them; "
                    "the registrar must add one"
                ),
                who=to,
            )
        )
        flags.append(
            Flag(
                NOTICE_RULE,
                n.protectee_id,
                n.provider_id,
                n.notice_id,
                n.created_at,
                detail,
                said=said,
            )
        )
    return flags
