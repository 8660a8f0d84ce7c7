"""The outbox's records and rules: what a delivery worker holds, where it sends, and how a
failed round is counted. Plain data, shared by the delivery service, the store that keeps it and
the adapters that put it on the wire (none of which may import another's module)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

#: how long a claim holds; longer than any one channel's timeout, renewed before each send
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
#: `last_error` of a notice whose recipient has no channel yet (not a failed attempt)
NO_CHANNEL = "no channel"

OWNER_KINDS = ("user", "protectee")
CHANNEL_KINDS = ("email", "webhook")

RoundEnd = Literal["pending", "delivered", "dead"]


class DeliveryFailed(Exception):
    """The channel did not take the notice; the message is kept as the attempt's detail, so it
    must never carry a secret."""


@dataclass(frozen=True)
class ChannelRecord:
    id: str
    owner: str
    owner_kind: str
    kind: str
    address: str
    #: the webhook's HMAC key; kept out of repr so that a logged record never shows it
    secret: str | None = field(repr=False)
    created_at: datetime


@dataclass(frozen=True)
class ClaimedNotice:
    """A notice a worker holds: what it needs to deliver it and to fence its later writes."""

    id: str
    subject: str
    subject_id: str
    decision_id: str
    protectee_id: str
    recipient: str
    recipient_kind: str
    created_at: datetime
    body: dict[str, Any]
    attempts: int
    #: the receipt proving the change, added by the worker before sending (see `notices.proofs`)
    receipt: dict[str, Any] | None = None


@dataclass(frozen=True)
class DeliveryRecord:
    id: int
    notice_id: str
    channel_id: str
    at: datetime
    ok: bool
    detail: str


@dataclass(frozen=True)
class OutboxState:
    """Where a notice stands in delivery, as a desk or the protectee's page shows it."""

    id: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    delivered_at: datetime | None
    claimed_by: str | None
    claimed_until: datetime | None


@dataclass(frozen=True)
class DeadLetter:
    """A notice delivery gave up on, as `hifazat notices dead` lists it."""

    id: str
    protectee_id: str
    recipient: str
    recipient_kind: str
    subject: str
    decision_id: str
    created_at: datetime
    attempts: int
    last_error: str | None


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed round: 30 s, doubling, at most an hour."""
    if attempts < 1:
        return BACKOFF_BASE
    # cap the exponent first: 2**n grows without bound, timedelta does not
    doublings: int = min(attempts - 1, 16)
    return min(BACKOFF_BASE * (1 << doublings), BACKOFF_CAP)


def failed_round(attempts: int, max_attempts: int, reached: bool) -> RoundEnd:
    """How the `attempts`-th round, which failed on some channel, ends: back off, or give up
    after `max_attempts` rounds. Giving up makes a notice dead only if no channel ever took it
    (`reached`); a recipient reached on some channel counts as told, so it is delivered."""
    if attempts < max_attempts:
        return "pending"
    return "delivered" if reached else "dead"
