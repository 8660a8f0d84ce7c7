"""Delivering the outbox: the use case `hifazat worker` runs, over the unit-of-work port and a
`Sender` port (the adapters in `hifazat.notify` implement it). Any number of workers may run,
on any number of processes, against one database; claims keep them off each other's notices.

Each claim and each record is its own short unit of work and none is open while a message is
on the wire, so a slow mail server never holds a database lock. A notice is never sent again on
a channel that already took it (its successful attempts say which did). A worker that dies
between a send and its record leaves that send unrecorded: when its lease runs out the notice
is sent on that channel again. Delivery is therefore at least once; receivers fold duplicates
on the notice id (the `X-Hifazat-Notice` header, the e-mail's Message-ID).

It logs on `hifazat.notify`, the logger operators have always read the worker's lines from."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from hifazat.domain.outbox import (
    BACKOFF_CAP,
    LEASE,
    MAX_ATTEMPTS,
    ChannelRecord,
    ClaimedNotice,
    DeliveryFailed,
    backoff,
    failed_round,
)
from hifazat.domain.times import Clock, utc_text
from hifazat.ledger.note import Signer
from hifazat.services.notices import proofs
from hifazat.services.unit_of_work import UnitOfWork

log = logging.getLogger("hifazat.notify")

#: notices one claim takes. Small, so that a second worker finds work while the first is still
#: sending its claim (N workers then deliver about N times as fast); a claim is one short
#: query, cheap beside a single SMTP session.
BATCH = 2


class Sender(Protocol):
    """The port to the wire: puts one notice on one channel."""

    #: the longest one send may take on any channel; a claim's lease must outlast it
    @property
    def timeout(self) -> float: ...

    def send(self, channel: ChannelRecord, notice: ClaimedNotice, now: datetime) -> str:
        """Delivers `notice` (with its receipt) to `channel`; returns a short detail, or raises
        `DeliveryFailed` saying why not (kept as the attempt's detail: never a secret)."""
        ...


@dataclass
class DeliveryRun:
    """What one pass did. Keys: claimed; per notice delivered, retried, dead, no_channel, lost
    (its claim was taken over) or released (given back unstarted: the worker is stopping); per
    channel attempt sent or failed."""

    counts: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Pass:
    """What every step of one pass works with."""

    uow: Callable[[], UnitOfWork]
    sender: Sender
    clock: Clock
    worker_id: str
    max_attempts: int
    lease: timedelta


def deliver_due(
    uow: Callable[[], UnitOfWork],
    sender: Sender,
    clock: Clock,
    worker_id: str,
    batch: int = BATCH,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    lease: timedelta = LEASE,
    signer: Signer | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> DeliveryRun:
    """One pass: claims up to `batch` due notices and delivers each on every channel of its
    recipient, with the receipt of its change (checkpointing first, with `signer`, where no
    checkpoint covers it yet). `uow` makes a fresh unit of work for each step. Once `stopping()`
    (the worker was asked to stop), the notice being delivered is finished and the claims not
    yet started are given back (`released`), so another worker takes them at once."""
    if not 0 < len(worker_id) <= 64:
        raise ValueError("a worker id is 1 to 64 characters")
    if lease.total_seconds() <= sender.timeout:
        raise ValueError("the claim lease must outlast the slowest transport's timeout")
    run = DeliveryRun()
    with uow() as work:
        claimed = work.outbox.claim_due(worker_id, clock(), batch, lease)
        work.commit()
    run.counts["claimed"] = len(claimed)
    for notice in claimed:
        log.info(
            "notice claimed notice=%s worker=%s recipient_kind=%s round=%d",
            notice.id, worker_id, notice.recipient_kind, notice.attempts + 1,
        )  # fmt: skip
    if claimed:
        receipts = proofs(uow(), claimed, signer, clock())
        claimed = [replace(n, receipt=receipts.get(n.id)) for n in claimed]
    step = _Pass(uow, sender, clock, worker_id, max_attempts, lease)
    for n, notice in enumerate(claimed):
        if stopping():
            _release(step, claimed[n:], run)
            break
        run.counts[_deliver(step, notice, run)] += 1
    if claimed:
        summary = " ".join(f"{k}={v}" for k, v in sorted(run.counts.items()))
        log.info("pass done worker=%s %s", worker_id, summary)
    return run


def _release(step: _Pass, unstarted: list[ClaimedNotice], run: DeliveryRun) -> None:
    with step.uow() as work:
        for notice in unstarted:
            if work.outbox.release_claim(notice, step.worker_id):
                run.counts["released"] += 1
                log.info("notice released notice=%s worker=%s", notice.id, step.worker_id)
        work.commit()


def _deliver(step: _Pass, notice: ClaimedNotice, run: DeliveryRun) -> str:
    with step.uow().reading() as work:
        targets = work.outbox.channels_for(
            notice.recipient, notice.recipient_kind, notice.protectee_id
        )
        done = work.outbox.succeeded_channels(notice.id)
    if not targets:
        log.warning(
            "notice has no channel notice=%s recipient_kind=%s: waiting (flag %s)",
            notice.id, notice.recipient_kind, "NOTICE-UNDELIVERABLE",
        )  # fmt: skip
        with step.uow() as work:
            waiting = work.outbox.wait_for_channel(
                notice, step.worker_id, step.clock(), BACKOFF_CAP
            )
            work.commit()
        return "no_channel" if waiting else "lost"
    errors: list[str] = []
    for target in targets:
        if target.id in done:
            continue
        with step.uow() as work:
            held = work.outbox.extend_claim(notice, step.worker_id, step.clock(), step.lease)
            work.commit()
        if not held:
            return "lost"
        ok, detail = _send(step.sender, target, notice, step.clock)
        with step.uow() as work:
            key = work.outbox.record_attempt(notice.id, target.id, step.clock(), ok, detail)
            work.record("notice.attempted", key)
            work.commit()
        run.counts["sent" if ok else "failed"] += 1
        if ok:
            log.info(
                "notice sent notice=%s channel=%s kind=%s receipt=%s detail=%r",
                notice.id, target.id, target.kind, notice.receipt is not None, detail,
            )  # fmt: skip
        else:
            log.warning(
                "notice send failed notice=%s channel=%s kind=%s reason=%r",
                notice.id, target.id, target.kind, detail,
            )  # fmt: skip
            errors.append(f"{target.id}: {detail}")
    with step.uow() as work:
        state = _end_round(work, step, notice, "; ".join(errors) if errors else None)
        due = work.outbox.outbox_state(notice.id).next_attempt_at if state == "pending" else None
        work.commit()
    _log_outcome(notice, state, errors, due)
    return {"pending": "retried", "dead": "dead", "delivered": "delivered"}.get(state or "", "lost")


def _end_round(
    work: UnitOfWork, step: _Pass, notice: ClaimedNotice, error: str | None
) -> str | None:
    """Writes how the round ended (`error`: why some channel failed) and records the outcome
    for the ledger; the notice's new state, None when the claim was lost."""
    now = step.clock()
    outbox = work.outbox
    if error is None:
        key = outbox.delivered(notice, step.worker_id, now)
        outcome = "delivered"
    else:
        attempts = notice.attempts + 1
        reached = attempts >= step.max_attempts and bool(outbox.succeeded_channels(notice.id))
        outcome = failed_round(attempts, step.max_attempts, reached)
        if outcome == "pending":
            due = now + backoff(attempts)
            return "pending" if outbox.retry_later(notice, step.worker_id, due, error) else None
        if outcome == "delivered":
            key = outbox.gave_up_reached(notice, step.worker_id, now, error)
        else:
            key = outbox.dead(notice, step.worker_id, now, error)
    if key is None:
        return None
    work.record(f"notice.{outcome}", key)
    return outcome


def _log_outcome(
    notice: ClaimedNotice, state: str | None, errors: list[str], due: datetime | None
) -> None:
    rounds = notice.attempts + 1
    if state == "delivered":
        log.info("notice delivered notice=%s rounds=%d", notice.id, rounds)
    elif state == "pending":
        log.warning(
            "notice retry notice=%s rounds=%d next=%s reason=%r",
            notice.id, rounds, utc_text(due) if due else None, "; ".join(errors),
        )  # fmt: skip
    elif state == "dead":
        log.error(
            "notice dead notice=%s rounds=%d reason=%r: requeue with `hifazat notices requeue`",
            notice.id, rounds, "; ".join(errors),
        )  # fmt: skip
    else:
        log.warning("notice claim lost notice=%s: another worker took it over", notice.id)


def _send(
    sender: Sender, target: ChannelRecord, notice: ClaimedNotice, clock: Clock
) -> tuple[bool, str]:
    try:
        return True, sender.send(target, notice, clock())
    except DeliveryFailed as failure:
        return False, str(failure)
    except Exception as error:
        # a fault in a transport fails this attempt, not the whole pass; the type alone is
        # recorded, as an unexpected message could carry anything
        log.exception("notice %s on %s: transport fault", notice.id, target.id)
        return False, f"transport fault: {type(error).__name__}"
