"""An in-memory unit of work for the services' unit tests: the port
(`hifazat.services.unit_of_work`) over dicts, with no database.

A `FakeStore` holds what is committed; each `FakeUnitOfWork` works on a copy of it taken when
its `with` block opens and puts the copy back at commit, so leaving uncommitted discards every
change. Records are frozen domain objects, so copying the containers copies the state. The
ledger stand-in is the list of (kind, key) each commit recorded, in order, with no checkpoints.
Methods the tested services do not reach raise NotImplementedError naming themselves."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, NoReturn

from hifazat.domain.appeal import Appeal, AppealOutcome
from hifazat.domain.attendance import Check
from hifazat.domain.decision import Decision, Hold, Ratification, StepApproval
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.errors import Conflict, InvalidInput, NotFound
from hifazat.domain.events import PublicEvent
from hifazat.domain.exports import Export
from hifazat.domain.flags import UndeliveredNotice
from hifazat.domain.notice import Notice
from hifazat.domain.outbox import (
    CHANNEL_KINDS,
    NO_CHANNEL,
    OWNER_KINDS,
    ChannelRecord,
    ClaimedNotice,
    DeadLetter,
    DeliveryRecord,
    OutboxState,
)
from hifazat.domain.policy import Policy
from hifazat.domain.policy_document import policy_from_document
from hifazat.domain.posts import Assignment
from hifazat.domain.protectee import Protectee
from hifazat.domain.provider import Provider
from hifazat.domain.resources import Officer, Vehicle
from hifazat.domain.review import Review
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.users import User
from hifazat.ledger.merkle import NodeReader
from hifazat.reports.lean import DecisionFact, fact_of
from hifazat.services.unit_of_work import Stored, UnitOfWork

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _missing(name: str) -> NoReturn:
    raise NotImplementedError(f"the fake does not implement {name}")


@dataclass(frozen=True)
class Attempt:
    """A refused attempt as kept."""

    id: str
    at: datetime
    actor: str
    command: str
    subject: Mapping[str, Any]
    rules: list[dict[str, str]]


@dataclass
class State:
    """Every record, keyed by id where it has one; decisions without steps or holds (added
    when read, as the SQL store does)."""

    policy: Policy | None = None
    providers: dict[str, Provider] = field(default_factory=dict)
    protectees: dict[str, Protectee] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    steps: dict[str, tuple[StepApproval, ...]] = field(default_factory=dict)
    appeals: dict[str, Appeal] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    assessments: list[ThreatAssessment] = field(default_factory=list)
    discrepancies: dict[str, DiscrepancyReport] = field(default_factory=dict)
    attempts: dict[str, Attempt] = field(default_factory=dict)
    #: Idempotency-Key digest -> the answer kept for it
    answers: dict[str, Answer] = field(default_factory=dict)
    #: the outbox: each notice's delivery state (none yet: pending, never tried), the channels,
    #: removed ones (by, when), every attempt and every outcome (notice, outcome, at, reason)
    outbox: dict[str, OutboxState] = field(default_factory=dict)
    channels: dict[str, ChannelRecord] = field(default_factory=dict)
    removed_channels: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    deliveries: list[DeliveryRecord] = field(default_factory=list)
    outcomes: list[tuple[str, str, datetime, str | None]] = field(default_factory=list)
    officers: dict[str, Officer] = field(default_factory=dict)
    vehicles: dict[str, Vehicle] = field(default_factory=dict)
    #: (id, provider, first, days, assignments), in publication order
    rosters: list[tuple[str, str, date, int, tuple[Assignment, ...]]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    events: list[PublicEvent] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)

    def copy(self) -> State:
        return State(**{f.name: copy.copy(getattr(self, f.name)) for f in fields(self)})


@dataclass
class FakeStore:
    """What is committed, shared by every unit of work made on it."""

    state: State = field(default_factory=State)
    #: the ledger stand-in: each committed (kind, key), in order
    ledger: list[tuple[str, str]] = field(default_factory=list)
    #: how many units of work committed
    committed: int = 0

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.ledger]


class FakeRepository:
    def __init__(self, state: State) -> None:
        self.s = state
        self.protectee_cache: dict[str, Protectee] = {}

    def write_behind(self) -> None:
        """Writes are in memory already: nothing to hold back."""

    def flush(self) -> None:
        """Nothing is held back."""

    def refresh_statistics(self) -> None:
        """No planner to tell."""

    # the registry

    def save_policy(self, document: Mapping[str, Any], at: datetime, by: str | None) -> int:
        self.s.policy = policy_from_document(document)
        return 1

    def policy(self) -> Policy:
        if self.s.policy is None:
            raise NotFound("policy", "current")
        return self.s.policy

    def add_provider(self, provider: Provider, at: datetime) -> None:
        self.s.providers[provider.id] = provider

    def providers(self) -> dict[str, Provider]:
        return dict(self.s.providers)

    def provider(self, provider_id: str) -> Provider:
        if provider_id not in self.s.providers:
            raise NotFound("provider", provider_id)
        return self.s.providers[provider_id]

    def add_protectee(self, p: Protectee, at: datetime) -> None:
        self.s.protectees[p.id] = p

    def protectees(self, ids: Iterable[str] | None = None) -> dict[str, Protectee]:
        wanted = set(ids) if ids is not None else None
        return {k: p for k, p in self.s.protectees.items() if wanted is None or k in wanted}

    def protectee(self, protectee_id: str) -> Protectee:
        if protectee_id not in self.s.protectees:
            raise NotFound("protectee", protectee_id)
        return self.s.protectees[protectee_id]

    def lock_protectee(self, protectee_id: str) -> None:
        self.protectee(protectee_id)  # one writer at a time: only the existence check is left

    def add_user(self, user: User, at: datetime, granted_by: str | None) -> None:
        self.s.users[user.id] = user

    def grant_role(self, user_id: str, role: str, granted_by: str | None, at: datetime) -> None:
        user = self.user(user_id)
        self.s.users[user_id] = replace(user, roles=user.roles | {role})

    def users(self, ids: Iterable[str] | None = None) -> dict[str, User]:
        wanted = set(ids) if ids is not None else None
        return {k: u for k, u in self.s.users.items() if wanted is None or k in wanted}

    def set_language(self, user_id: str, language: str) -> None:
        self.s.users[user_id] = replace(self.user(user_id), language=language)

    def user(self, user_id: str) -> User:
        if user_id not in self.s.users:
            raise NotFound("user", user_id)
        return self.s.users[user_id]

    def logins_of(self, protectee_id: str) -> list[str]:
        return sorted(u.id for u in self.s.users.values() if u.protectee_id == protectee_id)

    def presume_absent(self, table: str, idents: Iterable[str]) -> None:
        """Nothing to look up ahead: `exists` reads the fake's dictionaries directly."""

    def exists(self, table: str, ident: str) -> bool:
        tables: dict[str, Mapping[str, object]] = {
            "users": self.s.users,
            "protectees": self.s.protectees,
            "providers": self.s.providers,
            "decisions": self.s.decisions,
            "appeals": self.s.appeals,
            "discrepancy_reports": self.s.discrepancies,
        }
        if table not in tables:
            _missing(f"exists({table!r})")
        return ident in tables[table]

    # decisions and appeals

    def add_decision(self, d: Decision) -> None:
        self.s.decisions[d.id] = replace(d, steps=(), hold=None)

    def add_approval(self, decision_id: str, by: str, at: datetime, effective_at: datetime) -> None:
        """Numbered after the protectee's earlier approvals, as the store numbers them."""
        d = self.s.decisions[decision_id]
        mine = [x for x in self.s.decisions.values() if x.protectee_id == d.protectee_id]
        seq = max((x.approval_seq or 0 for x in mine), default=0) + 1
        self.s.decisions[decision_id] = replace(
            d, approved_by=by, decided_at=at, effective_at=effective_at, approval_seq=seq
        )

    def add_rescission(self, decision_id: str, by: str, at: datetime, reason: str) -> None:
        self.s.decisions[decision_id] = replace(
            self.s.decisions[decision_id], rescinded_by=by, rescinded_at=at, rescind_reason=reason
        )

    def decisions(
        self, protectee_id: str | None = None, provider_id: str | None = None
    ) -> list[Decision]:
        found = [
            d
            for d in self.s.decisions.values()
            if (protectee_id is None or d.protectee_id == protectee_id)
            and (provider_id is None or d.provider_id == provider_id)
        ]
        return [self._enriched(d) for d in sorted(found, key=lambda d: (d.proposed_at, d.id))]

    def _enriched(self, d: Decision) -> Decision:
        """With its steps and the hold of its first appeal, if lodged before it took effect."""
        hold = None
        appealed = [a for a in self.appeals(protectee_id=d.protectee_id) if a.decision_id == d.id]
        if appealed and d.effective_at is not None and appealed[0].lodged_at < d.effective_at:
            a = appealed[0]
            overturned = None if a.outcome is None else a.outcome is AppealOutcome.OVERTURNED
            hold = Hold(a.id, a.lodged_at, a.decided_at, overturned)
        return replace(d, steps=self.s.steps.get(d.id, ()), hold=hold)

    def decision(self, decision_id: str) -> Decision:
        if decision_id not in self.s.decisions:
            raise NotFound("decision", decision_id)
        return self._enriched(self.s.decisions[decision_id])

    def decision_facts(self) -> list[DecisionFact]:
        return [fact_of(d) for d in self.decisions()]

    def deciders(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for d in self.s.decisions.values():
            found.setdefault(d.protectee_id, set()).add(d.provider_id)
        return found

    def add_step(self, decision_id: str, step: int, role: str, by: str, at: datetime) -> None:
        steps = self.s.steps.get(decision_id, ())
        self.s.steps[decision_id] = (*steps, StepApproval(step, role, by, at))

    def add_ratification(
        self,
        decision_id: str,
        by: str,
        at: datetime,
        refused: bool,
        reason: str,
        restoring: str | None,
    ) -> None:
        self.s.decisions[decision_id] = replace(
            self.s.decisions[decision_id], ratification=Ratification(by, at, refused, reason)
        )

    def add_appeal(self, a: Appeal) -> None:
        self.s.appeals[a.id] = a

    def add_appeal_outcome(
        self,
        appeal_id: str,
        outcome: AppealOutcome,
        by: str,
        at: datetime,
        reason: str,
        restoring: str | None,
    ) -> None:
        self.s.appeals[appeal_id] = replace(
            self.s.appeals[appeal_id],
            outcome=outcome,
            decided_by=by,
            decided_at=at,
            reason=reason,
            restoring_decision=restoring,
        )

    def appeals(
        self,
        protectee_id: str | None = None,
        decision_id: str | None = None,
        appeal_id: str | None = None,
    ) -> list[Appeal]:
        found = [
            a
            for a in self.s.appeals.values()
            if (protectee_id is None or a.protectee_id == protectee_id)
            and (decision_id is None or a.decision_id == decision_id)
            and (appeal_id is None or a.id == appeal_id)
        ]
        return sorted(found, key=lambda a: (a.lodged_at, a.id))

    def appeal(self, appeal_id: str) -> Appeal:
        if appeal_id not in self.s.appeals:
            raise NotFound("appeal", appeal_id)
        return self.s.appeals[appeal_id]

    # entries

    def add_review(self, r: Review) -> None:
        self.s.reviews.append(r)

    def reviews(self, coverage: str | None = None, protectee_id: str | None = None) -> list[Review]:
        ids = {d.id for d in self.decisions(protectee_id)} if protectee_id is not None else None
        found = [
            r
            for r in self.s.reviews
            if (coverage is None or r.coverage == coverage) and (ids is None or r.coverage in ids)
        ]
        return sorted(found, key=lambda r: (r.reviewed_at, r.id))

    def add_notice(self, n: Notice) -> None:
        self.s.notices.append(n)

    def notices(self, protectee_id: str) -> list[Notice]:
        found = [n for n in self.s.notices if n.protectee_id == protectee_id]
        return sorted(found, key=lambda n: (n.created_at, n.id))

    def add_resolution(
        self,
        report_id: str,
        outcome: str,
        decision_id: str | None,
        reason: str,
        by: str,
        at: datetime,
    ) -> None:
        _missing("add_resolution")

    def add_assessment(self, a: ThreatAssessment) -> None:
        self.s.assessments.append(a)

    def assessments(self, protectee_id: str | None = None) -> list[ThreatAssessment]:
        found = [
            a for a in self.s.assessments if protectee_id is None or a.protectee_id == protectee_id
        ]
        return sorted(found, key=lambda a: (a.assessed_at, a.id))

    def add_discrepancy(self, r: DiscrepancyReport) -> None:
        _missing("add_discrepancy")

    def discrepancies(
        self, protectee_id: str | None = None, report_id: str | None = None
    ) -> list[DiscrepancyReport]:
        _missing("discrepancies")

    def discrepancy(self, report_id: str) -> DiscrepancyReport:
        _missing("discrepancy")

    def add_officer(self, key: str, officer: Officer, at: datetime, by: str | None) -> None:
        self.s.officers[key] = officer

    def officers(self, provider_id: str) -> list[Officer]:
        found = [o for o in self.s.officers.values() if o.provider_id == provider_id]
        return sorted(found, key=lambda o: o.service_number)

    def add_vehicle(self, key: str, vehicle: Vehicle, at: datetime, by: str | None) -> None:
        self.s.vehicles[key] = vehicle

    def vehicles(self, provider_id: str) -> list[Vehicle]:
        found = [v for v in self.s.vehicles.values() if v.provider_id == provider_id]
        return sorted(found, key=lambda v: v.registration)

    def roll_numbers(self, provider_id: str) -> tuple[set[str], set[str]]:
        return (
            {o.service_number for o in self.officers(provider_id)},
            {v.registration for v in self.vehicles(provider_id)},
        )

    def add_roster(
        self,
        key: str,
        provider_id: str,
        first: date,
        days: int,
        assignments: Sequence[Assignment],
        at: datetime,
        by: str,
    ) -> None:
        self.s.rosters.append((key, provider_id, first, days, tuple(assignments)))

    def roster_in_force(self, provider_id: str, first: date, days: int) -> list[Assignment]:
        latest: dict[date, tuple[Assignment, ...]] = {}
        for _, provider, start, length, held in self.s.rosters:
            for n in range(length):
                day = start + timedelta(days=n)
                if provider == provider_id and 0 <= (day - first).days < days:
                    latest[day] = held
        return sorted(
            (a for day, held in latest.items() for a in held if a.day == day),
            key=lambda a: (a.day, a.officer),
        )

    def roster_days(self, provider_id: str, first: date, last: date) -> set[date]:
        return {
            start + timedelta(days=n)
            for _, provider, start, length, _ in self.s.rosters
            for n in range(length)
            if provider == provider_id and first <= start + timedelta(days=n) <= last
        }

    def rostered_providers(self) -> list[str]:
        return sorted({provider for _, provider, *_ in self.s.rosters})

    def add_check(self, check: Check) -> None:
        self.s.checks.append(check)

    def add_event(self, event: PublicEvent) -> None:
        self.s.events.append(event)

    def add_export(self, export: Export) -> None:
        self.s.exports.append(export)

    def exports(self) -> list[Export]:
        return sorted(self.s.exports, key=lambda e: (e.made_at, e.id))

    def events(
        self, affiliation: str | None = None, event_id: str | None = None
    ) -> list[PublicEvent]:
        return sorted(
            (
                e
                for e in self.s.events
                if affiliation in (None, e.affiliation) and event_id in (None, e.id)
            ),
            key=lambda e: (e.at, e.id),
        )

    def checks(
        self,
        provider_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        protectee_id: str | None = None,
        officer: str | None = None,
    ) -> list[Check]:
        return sorted(
            (
                c
                for c in self.s.checks
                if provider_id in (None, c.provider_id)
                and protectee_id in (None, c.protectee_id)
                and officer in (None, c.officer)
                and (since is None or c.at >= since)
                and (until is None or c.at < until)
            ),
            key=lambda c: (c.at, c.id),
        )

    def add_attempt(
        self,
        attempt: str,
        at: datetime,
        actor: str,
        command: str,
        subject: Mapping[str, Any],
        rules: list[dict[str, str]],
    ) -> None:
        self.s.attempts[attempt] = Attempt(attempt, at, actor, command, dict(subject), rules)


class FakeAuth:
    """Not reached by the tested services."""

    def event(self, at: datetime, user: str | None, kind: str, detail: str = "") -> None:
        _missing("auth.event")

    def credentials(self, user_id: str, lock: bool = False) -> Stored | None:
        _missing("auth.credentials")

    def save_credentials(self, user_id: str, **values: Any) -> None:
        _missing("auth.save_credentials")

    def add_session(self, **values: Any) -> None:
        _missing("auth.add_session")

    def session(self, id_sha256: str) -> Stored | None:
        _missing("auth.session")

    def end_session(self, id_sha256: str, at: datetime) -> None:
        _missing("auth.end_session")

    def end_sessions_of(self, user_id: str, at: datetime, keep: str | None = None) -> int:
        _missing("auth.end_sessions_of")

    def revoke_tokens_of(self, user_id: str, at: datetime) -> int:
        _missing("auth.revoke_tokens_of")

    def add_token(self, **values: Any) -> None:
        _missing("auth.add_token")

    def token_by_digest(self, token_sha256: str) -> Stored | None:
        _missing("auth.token_by_digest")

    def token(self, token_id: str) -> Stored | None:
        _missing("auth.token")

    def revoke(self, token_id: str, at: datetime) -> None:
        _missing("auth.revoke")


class FakeOutbox:
    """Channels, claims, attempts and outcomes over the repository's notices, as the SQL store
    keeps them: a claim is a lease, and every write after it is fenced on (worker, round)."""

    def __init__(self, state: State) -> None:
        self.s = state

    def _row(self, notice_id: str) -> OutboxState:
        if notice_id in self.s.outbox:
            return self.s.outbox[notice_id]
        if not any(n.id == notice_id for n in self.s.notices):
            raise NotFound("notice", notice_id)
        return OutboxState(notice_id, "pending", 0, None, None, None, None, None)

    def _notice(self, notice_id: str) -> Notice:
        found = next((n for n in self.s.notices if n.id == notice_id), None)
        if found is None:
            raise NotFound("notice", notice_id)
        return found

    def _held(self, notice: ClaimedNotice, worker_id: str) -> OutboxState | None:
        row = self._row(notice.id)
        fenced = (row.state, row.claimed_by, row.attempts) == (
            "pending",
            worker_id,
            notice.attempts,
        )
        return row if fenced else None

    def _put(self, row: OutboxState) -> None:
        self.s.outbox[row.id] = row

    def _outcome(self, notice_id: str, outcome: str, now: datetime, reason: str | None) -> str:
        self.s.outcomes.append((notice_id, outcome, now, reason))
        return str(len(self.s.outcomes))

    # channels

    def add_channel(
        self, owner: str, owner_kind: str, kind: str, address: str, now: datetime
    ) -> ChannelRecord:
        if owner_kind not in OWNER_KINDS or kind not in CHANNEL_KINDS:
            raise InvalidInput("kind", f"{owner_kind} {kind}")
        if owner not in (self.s.users if owner_kind == "user" else self.s.protectees):
            raise NotFound(owner_kind, owner)
        secret = secrets.token_hex(32) if kind == "webhook" else None
        made = ChannelRecord(
            f"ch-{len(self.s.channels) + 1}", owner, owner_kind, kind, address, secret, now
        )
        self.s.channels[made.id] = made
        for n in self.s.notices:  # notices waiting for want of a channel become due at once
            row = self._row(n.id)
            if row.state == "pending" and row.last_error == NO_CHANNEL and self._serves(made, n):
                self._put(replace(row, next_attempt_at=now))
        return made

    def _serves(self, channel: ChannelRecord, n: Notice | ClaimedNotice) -> bool:
        if channel.id in self.s.removed_channels:
            return False
        if n.recipient_kind != "protectee":
            return channel.owner == n.recipient
        logins = {u.id for u in self.s.users.values() if u.protectee_id == n.protectee_id}
        return channel.owner in {n.recipient, n.protectee_id} | logins

    def channels_of(self, owner: str | None = None) -> list[ChannelRecord]:
        found = [
            c
            for c in self.s.channels.values()
            if c.id not in self.s.removed_channels and owner in (None, c.owner)
        ]
        return sorted(found, key=lambda c: (c.owner, c.created_at, c.id))

    def channel(self, channel_id: str) -> ChannelRecord:
        if channel_id not in self.s.channels or channel_id in self.s.removed_channels:
            raise NotFound("channel", channel_id)
        return self.s.channels[channel_id]

    def remove_channel(self, channel_id: str, by: str, now: datetime) -> None:
        self.channel(channel_id)
        self.s.removed_channels[channel_id] = (by, now)

    # notices

    def told_of(self, decision_id: str) -> list[tuple[str, str, str]]:
        """Oldest first; notices written at one instant in the order they were written."""
        found = [n for n in self.s.notices if n.decision_id == decision_id]
        return [
            (n.id, n.recipient, n.recipient_kind) for n in sorted(found, key=lambda n: n.created_at)
        ]

    def notice_protectee(self, notice_id: str) -> str | None:
        return next((n.protectee_id for n in self.s.notices if n.id == notice_id), None)

    def requeue(self, notice_id: str, by: str, reason: str, now: datetime) -> str:
        row = self._row(notice_id)
        if row.state != "dead":
            raise Conflict(f"notice {notice_id} is {row.state}; only a dead notice can be requeued")
        self._put(
            replace(
                row,
                state="pending",
                attempts=0,
                next_attempt_at=now,
                last_error=None,
                claimed_by=None,
                claimed_until=None,
            )
        )
        self.s.outcomes.append((notice_id, "requeued", now, reason))
        return str(len(self.s.outcomes))

    def outbox_state(self, notice_id: str) -> OutboxState:
        return self._row(notice_id)

    def undelivered(self, at: datetime, protectee_id: str | None = None) -> list[UndeliveredNotice]:
        found = []
        for n in sorted(self.s.notices, key=lambda n: (n.created_at, n.id)):
            row = self._row(n.id)
            served = any(self._serves(c, n) for c in self.s.channels.values())
            lost = row.state == "dead" or (row.state == "pending" and not served)
            if n.created_at <= at and lost and protectee_id in (None, n.protectee_id):
                provider = self.s.decisions[n.decision_id].provider_id
                found.append(
                    UndeliveredNotice(
                        n.id,
                        n.protectee_id,
                        provider,
                        n.recipient,
                        n.recipient_kind,
                        n.created_at,
                        row.state == "dead",
                    )
                )
        return found

    def dead_letters(self) -> list[DeadLetter]:
        dead = [(n, self._row(n.id)) for n in self.s.notices if self._row(n.id).state == "dead"]
        return [
            DeadLetter(
                n.id,
                n.protectee_id,
                n.recipient,
                n.recipient_kind,
                n.subject,
                n.decision_id,
                n.created_at,
                row.attempts,
                row.last_error,
            )
            for n, row in sorted(dead, key=lambda nr: (nr[0].created_at, nr[0].id))
        ]

    # delivery

    def claim_due(
        self, worker_id: str, now: datetime, batch: int, lease: timedelta
    ) -> list[ClaimedNotice]:
        def due(n: Notice) -> bool:
            row = self._row(n.id)
            return (
                row.state == "pending"
                and (row.next_attempt_at is None or row.next_attempt_at <= now)
                and (row.claimed_until is None or row.claimed_until <= now)
            )

        def order(n: Notice) -> tuple[datetime, str]:
            return (self._row(n.id).next_attempt_at or n.created_at, n.id)

        taken = sorted((n for n in self.s.notices if due(n)), key=order)[:batch]
        claimed = []
        for n in taken:
            row = self._row(n.id)
            self._put(replace(row, claimed_by=worker_id, claimed_until=now + lease))
            claimed.append(
                ClaimedNotice(
                    n.id,
                    n.subject,
                    n.subject_id,
                    n.decision_id,
                    n.protectee_id,
                    n.recipient,
                    n.recipient_kind,
                    n.created_at,
                    n.body,
                    row.attempts,
                )
            )
        return claimed

    def channels_for(
        self, recipient: str, recipient_kind: str, protectee_id: str
    ) -> list[ChannelRecord]:
        notice = Notice("", "", "", "", protectee_id, recipient, recipient_kind, _EPOCH, {})
        found = [c for c in self.s.channels.values() if self._serves(c, notice)]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def succeeded_channels(self, notice_id: str) -> set[str]:
        return {d.channel_id for d in self.s.deliveries if d.notice_id == notice_id and d.ok}

    def extend_claim(
        self, notice: ClaimedNotice, worker_id: str, now: datetime, lease: timedelta
    ) -> bool:
        row = self._held(notice, worker_id)
        if row is not None:
            self._put(replace(row, claimed_until=now + lease))
        return row is not None

    def release_claim(self, notice: ClaimedNotice, worker_id: str) -> bool:
        row = self._held(notice, worker_id)
        if row is not None:
            self._put(replace(row, claimed_by=None, claimed_until=None))
        return row is not None

    def wait_for_channel(
        self, notice: ClaimedNotice, worker_id: str, now: datetime, wait: timedelta
    ) -> bool:
        row = self._held(notice, worker_id)
        if row is not None:
            self._put(
                replace(
                    row,
                    next_attempt_at=now + wait,
                    last_error=NO_CHANNEL,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
        return row is not None

    def record_attempt(
        self, notice_id: str, channel_id: str, now: datetime, ok: bool, detail: str
    ) -> str:
        made = DeliveryRecord(len(self.s.deliveries) + 1, notice_id, channel_id, now, ok, detail)
        self.s.deliveries.append(made)
        return str(made.id)

    def _round_over(self, row: OutboxState, **changes: Any) -> None:
        """A claimed round ends: one more attempt, the claim let go, and what came of it."""
        self._put(
            replace(row, attempts=row.attempts + 1, claimed_by=None, claimed_until=None, **changes)
        )

    def delivered(self, notice: ClaimedNotice, worker_id: str, now: datetime) -> str | None:
        row = self._held(notice, worker_id)
        if row is None:
            return None
        self._round_over(
            row, state="delivered", delivered_at=now, last_error=None, next_attempt_at=None
        )
        return self._outcome(notice.id, "delivered", now, None)

    def retry_later(self, notice: ClaimedNotice, worker_id: str, due: datetime, error: str) -> bool:
        row = self._held(notice, worker_id)
        if row is not None:
            self._round_over(row, next_attempt_at=due, last_error=error)
        return row is not None

    def gave_up_reached(
        self, notice: ClaimedNotice, worker_id: str, now: datetime, error: str
    ) -> str | None:
        row = self._held(notice, worker_id)
        if row is None:
            return None
        first = min(d.at for d in self.s.deliveries if d.notice_id == notice.id and d.ok)
        self._round_over(
            row, state="delivered", delivered_at=first, last_error=error, next_attempt_at=None
        )
        return self._outcome(notice.id, "delivered", now, error)

    def dead(self, notice: ClaimedNotice, worker_id: str, now: datetime, error: str) -> str | None:
        row = self._held(notice, worker_id)
        if row is None:
            return None
        self._round_over(row, state="dead", last_error=error, next_attempt_at=None)
        return self._outcome(notice.id, "dead", now, error)


@dataclass(frozen=True)
class Entry:
    """A ledger entry as the stand-in knows it."""

    seq: int
    kind: str
    ref: str


class FakeLedger:
    """The committed (kind, key) list; no tree, no checkpoints."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def entered(self, kind: str) -> set[str]:
        return {key for k, key in self.store.ledger if k == kind}

    def tree_size(self) -> int:
        return len(self.store.ledger)

    def append(self, wanted: Sequence[tuple[str, str]]) -> list[int]:
        _missing("ledger.append")

    def effective_times(self) -> dict[str, datetime]:
        _missing("ledger.effective_times")

    def entries_for(self, ref: str) -> list[Stored]:
        """The entries keyed `ref`, by position; a stand-in has no entry text."""
        return [
            Entry(seq, kind, key) for seq, (kind, key) in enumerate(self.store.ledger) if key == ref
        ]

    def entries_between(self, start: int, end: int) -> list[str]:
        _missing("ledger.entries_between")

    def lock_head(self) -> int:
        _missing("ledger.lock_head")

    def enter_waiting(self, now: datetime) -> None:
        _missing("ledger.enter_waiting")

    def nodes(self) -> NodeReader:
        _missing("ledger.nodes")

    def add_checkpoint(self, size: int, root: bytes, note: str, at: datetime) -> int:
        _missing("ledger.add_checkpoint")

    def latest_checkpoint(self) -> Stored | None:
        """None: the fake makes no checkpoints, so nothing it holds has a receipt."""
        return None

    def add_cosignature(
        self, size: int, witness: str, line: str, cosigned_at: int, received_at: datetime
    ) -> None:
        _missing("ledger.add_cosignature")

    def cosignature_lines(self, size: int) -> list[str]:
        return []

    def cosigned_sizes(self) -> dict[str, int]:
        return {}


@dataclass(frozen=True)
class Answer:
    request_sha256: str
    status: int
    body: Any


class FakeIdempotency:
    def __init__(self, state: State) -> None:
        self.state = state

    def claim(self, key: str, user: str, request: str, at: datetime) -> Answer | None:
        if key in self.state.answers:
            return self.state.answers[key]
        self.state.answers[key] = Answer(request, 0, {})
        return None

    def complete(self, key: str, status: int, body: Any) -> None:
        claimed = self.state.answers[key]
        self.state.answers[key] = Answer(claimed.request_sha256, status, body)


class FakeUnitOfWork:
    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.events: list[tuple[str, str]] = []
        self._hooks: list[Callable[[UnitOfWork], None]] = []
        self._committed = False
        self._read_only = False
        self._bind(store.state)  # usable outside a block too, as a view of what is committed

    def _bind(self, state: State) -> None:
        self._state = state
        self.repo = FakeRepository(state)
        self.auth = FakeAuth()
        self.outbox = FakeOutbox(state)
        self.ledger = FakeLedger(self.store)
        self.idempotency = FakeIdempotency(state)

    @property
    def committed(self) -> int:
        """How many units of work committed on this one's store."""
        return self.store.committed

    def __enter__(self) -> FakeUnitOfWork:
        self._bind(self.store.state.copy())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            self.events.clear()  # the changes go with the copy they were made on
        self._bind(self.store.state)

    def commit(self) -> None:
        if self._committed:
            raise RuntimeError("a unit of work commits once")
        if self._read_only:
            raise RuntimeError("a reading unit of work cannot commit")
        for hook in self._hooks:
            hook(self)
        self.store.state = self._state
        self.store.ledger.extend(self.events)
        self.store.committed += 1
        self._committed = True

    def record(self, kind: str, key: str) -> None:
        self.events.append((kind, key))

    def before_commit(self, hook: Callable[[UnitOfWork], None]) -> None:
        self._hooks.append(hook)

    def reading(self) -> FakeUnitOfWork:
        self._read_only = True
        return self

    def entering_inline(self) -> FakeUnitOfWork:
        return self  # the fake enters every change as it commits

    def read_ahead(self, protectee_id: str) -> None:
        """Nothing to gain in memory: every read is already at hand."""

    def another(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)


#: mypy holds the fake to the port
_CONFORMS: Callable[[FakeStore], UnitOfWork] = FakeUnitOfWork
