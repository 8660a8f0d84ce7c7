"""The notify worker: delivers the outbox. Any number of workers may run, on any number of
processes, against one database; claims keep them off each other's notices.

Each claim and each record is its own short transaction and no transaction is open while a
message is on the wire, so a slow mail server never holds a database lock. A notice is never
sent again on a channel that already took it (the `deliveries` table says which did). A worker
that dies between a send and its record leaves that send unrecorded: when its lease runs out the
notice is sent on that channel again. Delivery is therefore at least once; receivers fold
duplicates on the notice id (the `X-Hifazat-Notice` header, the e-mail's Message-ID)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError

from hifazat.domain.times import Clock, utc_text
from hifazat.ledger.note import Signer
from hifazat.notify.channels import Channel, DeliveryFailed, WebhookChannel
from hifazat.notify.settings import SmtpSettings
from hifazat.services.notices import proofs
from hifazat.store import outbox_store as outbox
from hifazat.store.outbox_store import LEASE, MAX_ATTEMPTS, ClaimedNotice
from hifazat.store.uow import UnitOfWork

log = logging.getLogger("hifazat.notify")

#: notices one claim takes. Small, so that a second worker finds work while the first is still
#: sending its claim (N workers then deliver about N times as fast); a claim is one short
#: query, cheap beside a single SMTP session.
BATCH = 2


@dataclass
class DeliveryRun:
    """What one pass did. Keys: claimed; per notice delivered, retried, dead, no_channel or lost
    (its claim was taken over); per channel attempt sent or failed."""

    counts: Counter[str] = field(default_factory=Counter)


def transports_for(smtp_settings: SmtpSettings | None) -> dict[str, Channel]:
    """A transport per channel kind; without an SMTP host e-mail channels have none (and fail)."""
    found: dict[str, Channel] = {"webhook": WebhookChannel()}
    smtp = smtp_settings.channel() if smtp_settings else None
    if smtp is not None:
        found["email"] = smtp
    return found


def deliver_due(
    engine: Engine,
    clock: Clock,
    worker_id: str,
    smtp_settings: SmtpSettings | None,
    batch: int = BATCH,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    lease: timedelta = LEASE,
    transports: Mapping[str, Channel] | None = None,
    signer: Signer | None = None,
) -> DeliveryRun:
    """One pass: claims up to `batch` due notices and delivers each on every channel of its
    recipient, with the receipt of its change (checkpointing first, with `signer`, where no
    checkpoint covers it yet). `transports` replaces the real ones (a fake in a test)."""
    if not 0 < len(worker_id) <= 64:
        raise ValueError("a worker id is 1 to 64 characters")
    chosen = dict(transports) if transports is not None else transports_for(smtp_settings)
    if any(lease.total_seconds() <= t.timeout for t in chosen.values()):
        raise ValueError("the claim lease must outlast the slowest transport's timeout")
    run = DeliveryRun()
    with engine.begin() as c:
        claimed = outbox.claim_due(c, worker_id, clock(), batch, lease)
    run.counts["claimed"] = len(claimed)
    for notice in claimed:
        log.info(
            "notice claimed notice=%s worker=%s recipient_kind=%s round=%d",
            notice.id, worker_id, notice.recipient_kind, notice.attempts + 1,
        )  # fmt: skip
    if claimed:
        receipts = proofs(UnitOfWork(engine), claimed, signer, clock())
        claimed = [replace(n, receipt=receipts.get(n.id)) for n in claimed]
    for notice in claimed:
        outcome = _deliver(engine, clock, worker_id, notice, chosen, max_attempts, lease, run)
        run.counts[outcome] += 1
    if claimed:
        summary = " ".join(f"{k}={v}" for k, v in sorted(run.counts.items()))
        log.info("pass done worker=%s %s", worker_id, summary)
    return run


def _deliver(
    engine: Engine,
    clock: Clock,
    worker_id: str,
    notice: ClaimedNotice,
    transports: Mapping[str, Channel],
    max_attempts: int,
    lease: timedelta,
    run: DeliveryRun,
) -> str:
    with engine.begin() as c:
        targets = outbox.channels_for(
            c, notice.recipient, notice.recipient_kind, notice.protectee_id
        )
        done = outbox.succeeded_channels(c, notice.id)
    if not targets:
        log.warning(
            "notice has no channel notice=%s recipient_kind=%s: waiting (flag %s)",
            notice.id, notice.recipient_kind, "NOTICE-UNDELIVERABLE",
        )  # fmt: skip
        with engine.begin() as c:
            return (
                "no_channel" if outbox.wait_for_channel(c, notice, worker_id, clock()) else "lost"
            )
    errors: list[str] = []
    for target in targets:
        if target.id in done:
            continue
        with engine.begin() as c:
            if not outbox.extend_claim(c, notice, worker_id, clock(), lease):
                return "lost"
        transport = transports.get(target.kind)
        if transport is None:
            ok, detail = False, f"no {target.kind} transport configured"
        else:
            ok, detail = _send(transport, target, notice, clock)
        with engine.begin() as c:
            outbox.record_attempt(c, notice.id, target.id, clock(), ok, detail)
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
    with engine.begin() as c:
        if not errors:
            marked = outbox.mark_delivered(c, notice, worker_id, clock())
            state: str | None = "delivered" if marked else None
        else:
            state = outbox.schedule_retry(
                c, notice, worker_id, clock(), "; ".join(errors), max_attempts
            )
        due = outbox.outbox_state(c, notice.id).next_attempt_at if state == "pending" else None
    _log_outcome(notice, state, errors, due)
    return {"pending": "retried", "dead": "dead", "delivered": "delivered"}.get(state or "", "lost")


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
    transport: Channel, target: outbox.ChannelRecord, notice: ClaimedNotice, clock: Clock
) -> tuple[bool, str]:
    try:
        return True, transport.send(target, notice, clock())
    except DeliveryFailed as failure:
        return False, str(failure)
    except Exception as error:
        # a fault in a transport fails this attempt, not the whole pass; the type alone is
        # recorded, as an unexpected message could carry anything
        log.exception("notice %s on %s: transport fault", notice.id, target.id)
        return False, f"transport fault: {type(error).__name__}"


def run_forever(
    engine: Engine,
    clock: Clock,
    worker_id: str,
    smtp_settings: SmtpSettings | None,
    interval: float,
    stop_event: threading.Event,
    batch: int = BATCH,
    signer: Signer | None = None,
) -> None:
    """`hifazat worker`: passes until `stop_event` is set; a full batch goes straight on to the
    next pass, otherwise it waits `interval` seconds. A lost database connection is waited
    out rather than fatal, since the next pass reconnects."""
    log.info("worker started worker=%s batch=%d interval=%gs", worker_id, batch, interval)
    while not stop_event.is_set():
        try:
            run = deliver_due(engine, clock, worker_id, smtp_settings, batch, signer=signer)
            full = run.counts["claimed"] >= batch
        except (OperationalError, InterfaceError) as error:
            log.warning("database unavailable worker=%s error=%s", worker_id, type(error).__name__)
            full = False
        if not full:
            stop_event.wait(interval)
    log.info("worker stopped worker=%s", worker_id)
