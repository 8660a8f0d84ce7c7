"""The outbox's delivery side: notice channels, claims, attempts, back-off.

Every function runs inside the caller's transaction (a unit of work), and the delivery service
keeps each one short, so that no transaction is ever open while a message is on the wire.

Claims are what keep two workers, on any number of processes, from taking the same notice: on
PostgreSQL the due rows are locked with `FOR UPDATE SKIP LOCKED` and stamped with the claim in
the same transaction; on SQLite the engine opens every transaction with `BEGIN IMMEDIATE`, so
claims are serialised by the database's single write lock. A claim is a lease: a worker that
dies mid-delivery loses it when `claimed_until` passes, and every later write of a worker is
fenced on (`claimed_by`, `attempts`), so a worker whose lease was taken over writes nothing.

Every attempt and every outcome (delivered, dead, requeued) is entered in the ledger in the
transaction that writes it, so that an edited or deleted delivery record shows on verification:
the writes return the ledger key, and the unit of work they ran in enters it at its commit.
The records and the rules (back-off, giving up) are the domain's (`domain.outbox`).
"""

from __future__ import annotations

import secrets as secrets_module
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Select, and_, exists, func, insert, or_, select, update

from hifazat.domain.errors import Conflict, InvalidInput, NotFound
from hifazat.domain.flags import UndeliveredNotice
from hifazat.domain.outbox import (
    BACKOFF_CAP,
    CHANNEL_KINDS,
    LEASE,
    MAX_ATTEMPTS,
    NO_CHANNEL,
    OWNER_KINDS,
    ChannelRecord,
    ClaimedNotice,
    DeadLetter,
    DeliveryRecord,
    OutboxState,
    backoff,
    failed_round,
)
from hifazat.store import ledger_store
from hifazat.store import tables as t
from hifazat.store.engine import is_postgres


# --- channels --------------------------------------------------------------------------------
def add_channel(
    c: Connection,
    owner: str,
    owner_kind: str,
    kind: str,
    address: str,
    now: datetime,
    secret: str | None = None,
    channel_id: str | None = None,
) -> ChannelRecord:
    """Registers where an owner's notices go. A webhook without a secret gets a fresh one (it
    is in the returned record, for the receiver). Notices that were waiting for want of a
    channel become due at once rather than at their next hourly look."""
    _check_channel(c, owner, owner_kind, kind, address)
    if kind == "webhook" and not secret:
        secret = secrets_module.token_hex(32)
    record = ChannelRecord(
        id=channel_id or "ch-" + secrets_module.token_hex(6),
        owner=owner,
        owner_kind=owner_kind,
        kind=kind,
        address=address,
        secret=secret,
        created_at=now,
    )
    c.execute(
        insert(t.notice_channels).values(
            id=record.id,
            owner=owner,
            owner_kind=owner_kind,
            kind=kind,
            address=address,
            secret=secret,
            created_at=now,
        )
    )
    _wake(c, owner, owner_kind, now)
    return record


def _wake(c: Connection, owner: str, owner_kind: str, now: datetime) -> None:
    """Makes the notices waiting for want of a channel that `owner`'s channel now serves due."""
    n = t.notices.c
    serves = [n.recipient == owner]
    if owner_kind == "protectee":
        serves.append(and_(n.recipient_kind == "protectee", n.protectee_id == owner))
    else:
        query = select(t.users.c.protectee_id).where(t.users.c.id == owner)
        if (protectee_id := c.execute(query).scalar_one_or_none()) is not None:
            serves.append(and_(n.recipient_kind == "protectee", n.protectee_id == protectee_id))
    c.execute(
        update(t.notices)
        .where(or_(*serves), n.state == "pending", n.last_error == NO_CHANNEL)
        .values(next_attempt_at=now)
    )


def _check_channel(c: Connection, owner: str, owner_kind: str, kind: str, address: str) -> None:
    if owner_kind not in OWNER_KINDS:
        raise InvalidInput("owner_kind", f"{owner_kind!r} is not one of {', '.join(OWNER_KINDS)}")
    if kind not in CHANNEL_KINDS:
        raise InvalidInput("kind", f"{kind!r} is not one of {', '.join(CHANNEL_KINDS)}")
    table = t.users if owner_kind == "user" else t.protectees
    if c.execute(select(table.c.id).where(table.c.id == owner)).first() is None:
        raise NotFound(owner_kind, owner)
    if kind == "email" and ("@" not in address or any(ch in address for ch in "\r\n <>,")):
        raise InvalidInput("address", f"{address!r} is not a single e-mail address")
    if kind == "webhook":
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput("address", "a webhook is an http:// or https:// URL")


def channels_of(c: Connection, owner: str | None = None) -> list[ChannelRecord]:
    """The channels registered on one owner (a user or a protectee record), or on anyone;
    removed ones are left out."""
    ch = t.notice_channels.c
    query = select(t.notice_channels).where(ch.removed_at.is_(None))
    if owner is not None:
        query = query.where(ch.owner == owner)
    return [_channel(r) for r in c.execute(query.order_by(ch.owner, ch.created_at, ch.id))]


def channel(c: Connection, channel_id: str) -> ChannelRecord:
    """One channel that has not been removed."""
    ch = t.notice_channels.c
    query = select(t.notice_channels).where(ch.id == channel_id, ch.removed_at.is_(None))
    row = c.execute(query).first()
    if row is None:
        raise NotFound("channel", channel_id)
    return _channel(row)


def remove_channel(c: Connection, channel_id: str, by: str, now: datetime) -> None:
    """Stops sending on a channel. The row stays, marked removed, since its attempts name it."""
    ch = t.notice_channels.c
    result = c.execute(
        update(t.notice_channels)
        .where(ch.id == channel_id, ch.removed_at.is_(None))
        .values(removed_at=now, removed_by=by)
    )
    if result.rowcount != 1:
        raise NotFound("channel", channel_id)


def _channel(r: Any) -> ChannelRecord:
    return ChannelRecord(r.id, r.owner, r.owner_kind, r.kind, r.address, r.secret, r.created_at)


def _owners(recipient: str, recipient_kind: str, protectee_id: str) -> Any:
    """Whose channels a notice goes to: a liaison's own; for the protectee, those of the
    protectee record and of every login of theirs (and of the recipient itself, for a notice
    written before notices were addressed to the record), so adding a login drops nothing."""
    ch = t.notice_channels.c
    if recipient_kind != "protectee":
        return ch.owner == recipient
    logins = select(t.users.c.id).where(t.users.c.protectee_id == protectee_id)
    return or_(ch.owner == recipient, ch.owner == protectee_id, ch.owner.in_(logins))


def channels_for(
    c: Connection, recipient: str, recipient_kind: str, protectee_id: str
) -> list[ChannelRecord]:
    """Every channel a notice to `recipient` is delivered on (see `_owners`)."""
    ch = t.notice_channels.c
    query = (
        select(t.notice_channels)
        .where(_owners(recipient, recipient_kind, protectee_id), ch.removed_at.is_(None))
        .order_by(ch.created_at, ch.id)
    )
    return [_channel(r) for r in c.execute(query)]


# --- claims ----------------------------------------------------------------------------------
def claim_due(
    c: Connection, worker_id: str, now: datetime, batch: int = 50, lease: timedelta = LEASE
) -> list[ClaimedNotice]:
    """Takes up to `batch` pending notices that are due and held by no live claim."""
    n = t.notices.c
    query = (
        select(t.notices)
        .where(
            n.state == "pending",
            or_(n.next_attempt_at.is_(None), n.next_attempt_at <= now),
            or_(n.claimed_until.is_(None), n.claimed_until <= now),
        )
        .order_by(func.coalesce(n.next_attempt_at, n.created_at), n.id)
        .limit(batch)
    )
    if is_postgres(c):
        # rows another worker is claiming are skipped, not waited on; the WHERE is re-checked
        # on rows that worker has just committed, so its fresh claim excludes them too
        query = query.with_for_update(skip_locked=True)
    rows = c.execute(query).all()
    if not rows:
        return []
    c.execute(
        update(t.notices)
        .where(n.id.in_([r.id for r in rows]))
        .values(claimed_by=worker_id, claimed_until=now + lease)
    )
    return [
        ClaimedNotice(
            r.id,
            r.subject,
            r.subject_id,
            r.decision_id,
            r.protectee_id,
            r.recipient,
            r.recipient_kind,
            r.created_at,
            r.body,
            r.attempts,
        )
        for r in rows
    ]


def _held(notice: ClaimedNotice, worker_id: str) -> Any:
    """The fence: the claim is still this worker's and no round was finished meanwhile."""
    n = t.notices.c
    return and_(
        n.id == notice.id,
        n.state == "pending",
        n.claimed_by == worker_id,
        n.attempts == notice.attempts,
    )


def extend_claim(
    c: Connection, notice: ClaimedNotice, worker_id: str, now: datetime, lease: timedelta = LEASE
) -> bool:
    """Renews the lease before a send; False when the claim was lost (then do not send)."""
    result = c.execute(
        update(t.notices).where(_held(notice, worker_id)).values(claimed_until=now + lease)
    )
    return result.rowcount == 1


def release_claim(c: Connection, notice: ClaimedNotice, worker_id: str) -> bool:
    """Gives a claimed notice back unsent (a worker stopping): due again at once, to any worker,
    rather than when the lease runs out. False when the claim was no longer this worker's."""
    result = c.execute(
        update(t.notices)
        .where(_held(notice, worker_id))
        .values(claimed_by=None, claimed_until=None)
    )
    return result.rowcount == 1


# --- attempts and outcomes -------------------------------------------------------------------
# Each write returns the ledger key of what it wrote (None: the claim was lost, nothing was
# written); the caller enters it. The delivery service records it in its unit of work, which
# enters it at commit; the module-level functions that only the store's tests call enter it
# at once (`_entered`).


def attempt(
    c: Connection, notice_id: str, channel_id: str, now: datetime, ok: bool, detail: str
) -> str:
    """Writes one send on one channel; returns its ledger key (`notice.attempted`)."""
    result = c.execute(
        insert(t.deliveries).values(
            notice_id=notice_id, channel_id=channel_id, at=now, ok=ok, detail=detail[:2000]
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return str(key[0])


def record_attempt(
    c: Connection, notice_id: str, channel_id: str, now: datetime, ok: bool, detail: str
) -> int:
    """Records one send on one channel, with its ledger entry; returns the attempt's id."""
    key = attempt(c, notice_id, channel_id, now, ok, detail)
    ledger_store.append(c, [("notice.attempted", key)])
    return int(key)


def add_outcome(
    c: Connection,
    notice_id: str,
    outcome: str,
    now: datetime,
    actor: str | None = None,
    reason: str | None = None,
) -> str:
    """Writes how a notice's delivery ended (or began again); returns the ledger key. The
    caller enters it (a unit of work at its commit)."""
    result = c.execute(
        insert(t.notice_outcomes).values(
            notice_id=notice_id,
            outcome=outcome,
            at=now,
            actor=actor,
            reason=reason,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return str(key[0])


def _outcome(
    c: Connection, notice_id: str, outcome: str, now: datetime, reason: str | None = None
) -> str:
    return add_outcome(c, notice_id, outcome, now, None, None if reason is None else reason[:2000])


def _entered(c: Connection, outcome: str, key: str | None) -> bool:
    if key is not None:
        ledger_store.append(c, [(f"notice.{outcome}", key)])
    return key is not None


def succeeded_channels(c: Connection, notice_id: str) -> set[str]:
    """Channels that already took the notice: a notice is never sent on them again."""
    d = t.deliveries.c
    query = select(d.channel_id).where(d.notice_id == notice_id, d.ok.is_(True)).distinct()
    return set(c.execute(query).scalars())


def delivered(c: Connection, notice: ClaimedNotice, worker_id: str, now: datetime) -> str | None:
    """Ends a round in which every channel took the notice; the outcome's ledger key."""
    result = c.execute(
        update(t.notices)
        .where(_held(notice, worker_id))
        .values(
            state="delivered",
            attempts=notice.attempts + 1,
            delivered_at=now,
            last_error=None,
            next_attempt_at=None,
            claimed_by=None,
            claimed_until=None,
        )
    )
    if result.rowcount != 1:
        return None
    return _outcome(c, notice.id, "delivered", now)


def mark_delivered(c: Connection, notice: ClaimedNotice, worker_id: str, now: datetime) -> bool:
    return _entered(c, "delivered", delivered(c, notice, worker_id, now))


def retry_later(
    c: Connection, notice: ClaimedNotice, worker_id: str, due: datetime, error: str
) -> bool:
    """Counts a failed round and makes the notice due again at `due`."""
    result = c.execute(
        update(t.notices)
        .where(_held(notice, worker_id))
        .values(
            attempts=notice.attempts + 1,
            next_attempt_at=due,
            last_error=error[:2000],
            claimed_by=None,
            claimed_until=None,
        )
    )
    return result.rowcount == 1


def schedule_retry(
    c: Connection,
    notice: ClaimedNotice,
    worker_id: str,
    now: datetime,
    error: str,
    max_attempts: int = MAX_ATTEMPTS,
) -> str | None:
    """Counts a failed round as `domain.outbox.failed_round` says, entering its outcome.
    Returns the new state ('pending', 'delivered' or 'dead'), None when the claim was lost."""
    attempts = notice.attempts + 1
    reached = attempts >= max_attempts and bool(succeeded_channels(c, notice.id))
    end = failed_round(attempts, max_attempts, reached)
    if end == "pending":
        held = retry_later(c, notice, worker_id, now + backoff(attempts), error)
    elif end == "delivered":
        held = _entered(c, "delivered", gave_up_reached(c, notice, worker_id, now, error))
    else:
        held = _entered(c, "dead", dead(c, notice, worker_id, now, error))
    return end if held else None


def gave_up_reached(
    c: Connection, notice: ClaimedNotice, worker_id: str, now: datetime, error: str
) -> str | None:
    """Gives up on a notice some channel took: delivered (when first taken), with the failing
    channel in `last_error`; the outcome's ledger key."""
    d = t.deliveries.c
    first_ok = (
        select(func.min(d.at)).where(d.notice_id == notice.id, d.ok.is_(True)).scalar_subquery()
    )
    result = c.execute(
        update(t.notices)
        .where(_held(notice, worker_id))
        .values(
            state="delivered",
            attempts=notice.attempts + 1,
            delivered_at=first_ok,
            last_error=error[:2000],
            next_attempt_at=None,
            claimed_by=None,
            claimed_until=None,
        )
    )
    if result.rowcount != 1:
        return None
    return _outcome(c, notice.id, "delivered", now, error)


def dead(
    c: Connection, notice: ClaimedNotice, worker_id: str, now: datetime, error: str
) -> str | None:
    """Gives up: the notice stays readable on the protectee's page, marked undeliverable; the
    outcome's ledger key."""
    result = c.execute(
        update(t.notices)
        .where(_held(notice, worker_id))
        .values(
            state="dead",
            attempts=notice.attempts + 1,
            last_error=error[:2000],
            next_attempt_at=None,
            claimed_by=None,
            claimed_until=None,
        )
    )
    if result.rowcount != 1:
        return None
    return _outcome(c, notice.id, "dead", now, error)


def mark_dead(
    c: Connection, notice: ClaimedNotice, worker_id: str, now: datetime, error: str
) -> bool:
    return _entered(c, "dead", dead(c, notice, worker_id, now, error))


def requeue(c: Connection, notice_id: str, by: str, reason: str, now: datetime) -> str:
    """Makes a dead notice pending again, due at once with its rounds counted afresh, and
    writes the outcome saying who did it and why; returns the outcome's ledger key."""
    n = t.notices.c
    result = c.execute(
        update(t.notices)
        .where(n.id == notice_id, n.state == "dead")
        .values(
            state="pending",
            attempts=0,
            next_attempt_at=now,
            last_error=None,
            claimed_by=None,
            claimed_until=None,
        )
    )
    if result.rowcount != 1:
        state = outbox_state(c, notice_id).state  # NotFound for an unknown notice
        raise Conflict(f"notice {notice_id} is {state}; only a dead notice can be requeued")
    return add_outcome(c, notice_id, "requeued", now, by, reason)


def wait_for_channel(
    c: Connection,
    notice: ClaimedNotice,
    worker_id: str,
    now: datetime,
    wait: timedelta = BACKOFF_CAP,
) -> bool:
    """No channel is not a failed attempt: the notice stays pending, is not counted towards
    dead, and is looked at again after `wait` (the longest back-off), or at once when a channel
    is added (see `add_channel`)."""
    result = c.execute(
        update(t.notices)
        .where(_held(notice, worker_id))
        .values(
            next_attempt_at=now + wait,
            last_error=NO_CHANNEL,
            claimed_by=None,
            claimed_until=None,
        )
    )
    return result.rowcount == 1


# --- reading ---------------------------------------------------------------------------------
def told_of(c: Connection, decision_id: str) -> list[tuple[str, str, str]]:
    """(notice, recipient, recipient kind) of every notice about a decision, oldest first: in
    the order the ledger entered them, which also orders notices written at one instant."""
    n, e = t.notices.c, t.ledger_entries.c
    entered = (
        select(e.seq)
        .where(e.ref == n.id, e.kind == "notice.created")
        .correlate(t.notices)
        .scalar_subquery()
    )
    query = (
        select(n.id, n.recipient, n.recipient_kind)
        .where(n.decision_id == decision_id)
        .order_by(n.created_at, entered.nulls_last(), n.id)
    )
    return [(r[0], r[1], r[2]) for r in c.execute(query)]


def deliveries_of(c: Connection, notice_id: str) -> list[DeliveryRecord]:
    d = t.deliveries.c
    query = select(t.deliveries).where(d.notice_id == notice_id).order_by(d.at, d.id)
    return [
        DeliveryRecord(r.id, r.notice_id, r.channel_id, r.at, r.ok, r.detail)
        for r in c.execute(query)
    ]


def notice_protectee(c: Connection, notice_id: str) -> str | None:
    """Whom a notice is about (None: no such notice), for the access check before acting."""
    query = select(t.notices.c.protectee_id).where(t.notices.c.id == notice_id)
    return c.execute(query).scalar_one_or_none()


def outbox_state(c: Connection, notice_id: str) -> OutboxState:
    n = t.notices.c
    query = select(
        n.id,
        n.state,
        n.attempts,
        n.next_attempt_at,
        n.last_error,
        n.delivered_at,
        n.claimed_by,
        n.claimed_until,
    ).where(n.id == notice_id)
    row = c.execute(query).first()
    if row is None:
        raise NotFound("notice", notice_id)
    return OutboxState(*row)


def undelivered(
    c: Connection, at: datetime, protectee_id: str | None = None
) -> list[UndeliveredNotice]:
    """Notices written by `at` that nothing will deliver: dead ones, and pending ones that no
    channel serves (whether or not a worker has looked at them yet)."""
    n = t.notices.c
    query = undelivered_query().where(n.created_at <= at)
    if protectee_id is not None:
        query = query.where(n.protectee_id == protectee_id)
    return [undelivered_from_row(r) for r in c.execute(query)]


def undelivered_query() -> Select[Any]:
    """Every notice nothing will deliver, whenever written."""
    n, ch, d = t.notices.c, t.notice_channels.c, t.decisions.c
    # correlated by name: two levels down, SQLAlchemy would list `notices` in the subquery's
    # own FROM, and every protectee's logins would then count as this one's
    logins = (
        select(t.users.c.id).where(t.users.c.protectee_id == n.protectee_id).correlate(t.notices)
    )
    served = exists(
        select(ch.id).where(
            ch.removed_at.is_(None),
            or_(
                ch.owner == n.recipient,
                and_(
                    n.recipient_kind == "protectee",
                    or_(ch.owner == n.protectee_id, ch.owner.in_(logins)),
                ),
            ),
        )
    )
    return (
        select(
            n.id,
            n.protectee_id,
            d.provider_id,
            n.recipient,
            n.recipient_kind,
            n.created_at,
            n.state,
        )
        .join(t.decisions, d.id == n.decision_id)
        .where(or_(n.state == "dead", and_(n.state == "pending", ~served)))
        .order_by(n.created_at, n.id)
    )


def undelivered_order(r: Any) -> tuple[datetime, str]:
    return (r.created_at, r.id)


def undelivered_from_row(r: Any) -> UndeliveredNotice:
    return UndeliveredNotice(r[0], r[1], r[2], r[3], r[4], r[5], r[6] == "dead")


def dead_letters(c: Connection) -> list[DeadLetter]:
    n = t.notices.c
    query = (
        select(
            n.id,
            n.protectee_id,
            n.recipient,
            n.recipient_kind,
            n.subject,
            n.decision_id,
            n.created_at,
            n.attempts,
            n.last_error,
        )
        .where(n.state == "dead")
        .order_by(n.created_at, n.id)
    )
    return [DeadLetter(*r) for r in c.execute(query)]


class OutboxStore:
    """The functions services call, on one unit of work's connection: its `outbox` repository."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection
        #: a protectee's undelivered notices read ahead (`store.status_reads`), whenever
        #: written: taken by the next `undelivered` for them, once
        self.primed: dict[str, list[UndeliveredNotice]] = {}

    def add_channel(
        self, owner: str, owner_kind: str, kind: str, address: str, now: datetime
    ) -> ChannelRecord:
        return add_channel(self.c, owner, owner_kind, kind, address, now)

    def channels_of(self, owner: str | None = None) -> list[ChannelRecord]:
        return channels_of(self.c, owner)

    def channel(self, channel_id: str) -> ChannelRecord:
        return channel(self.c, channel_id)

    def remove_channel(self, channel_id: str, by: str, now: datetime) -> None:
        remove_channel(self.c, channel_id, by, now)

    def told_of(self, decision_id: str) -> list[tuple[str, str, str]]:
        return told_of(self.c, decision_id)

    def notice_protectee(self, notice_id: str) -> str | None:
        return notice_protectee(self.c, notice_id)

    def requeue(self, notice_id: str, by: str, reason: str, now: datetime) -> str:
        return requeue(self.c, notice_id, by, reason, now)

    def outbox_state(self, notice_id: str) -> OutboxState:
        return outbox_state(self.c, notice_id)

    def undelivered(self, at: datetime, protectee_id: str | None = None) -> list[UndeliveredNotice]:
        primed = None if protectee_id is None else self.primed.pop(protectee_id, None)
        if primed is not None:
            return [n for n in primed if n.created_at <= at]
        return undelivered(self.c, at, protectee_id)

    def dead_letters(self) -> list[DeadLetter]:
        return dead_letters(self.c)

    # delivery: the writes return the ledger key the unit of work enters at its commit

    def claim_due(
        self, worker_id: str, now: datetime, batch: int, lease: timedelta
    ) -> list[ClaimedNotice]:
        return claim_due(self.c, worker_id, now, batch, lease)

    def channels_for(
        self, recipient: str, recipient_kind: str, protectee_id: str
    ) -> list[ChannelRecord]:
        return channels_for(self.c, recipient, recipient_kind, protectee_id)

    def succeeded_channels(self, notice_id: str) -> set[str]:
        return succeeded_channels(self.c, notice_id)

    def extend_claim(
        self, notice: ClaimedNotice, worker_id: str, now: datetime, lease: timedelta
    ) -> bool:
        return extend_claim(self.c, notice, worker_id, now, lease)

    def release_claim(self, notice: ClaimedNotice, worker_id: str) -> bool:
        return release_claim(self.c, notice, worker_id)

    def wait_for_channel(
        self, notice: ClaimedNotice, worker_id: str, now: datetime, wait: timedelta
    ) -> bool:
        return wait_for_channel(self.c, notice, worker_id, now, wait)

    def record_attempt(
        self, notice_id: str, channel_id: str, now: datetime, ok: bool, detail: str
    ) -> str:
        return attempt(self.c, notice_id, channel_id, now, ok, detail)

    def delivered(self, notice: ClaimedNotice, worker_id: str, now: datetime) -> str | None:
        return delivered(self.c, notice, worker_id, now)

    def retry_later(self, notice: ClaimedNotice, worker_id: str, due: datetime, error: str) -> bool:
        return retry_later(self.c, notice, worker_id, due, error)

    def gave_up_reached(
        self, notice: ClaimedNotice, worker_id: str, now: datetime, error: str
    ) -> str | None:
        return gave_up_reached(self.c, notice, worker_id, now, error)

    def dead(self, notice: ClaimedNotice, worker_id: str, now: datetime, error: str) -> str | None:
        return dead(self.c, notice, worker_id, now, error)
