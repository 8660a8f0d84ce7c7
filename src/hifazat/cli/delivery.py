"""Delivering notices: what `hifazat worker` runs, and `hifazat channels list|remove` (`worker`
and `channels add` are declared in `cli.admin`)."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError

from hifazat.cli.core import (
    ByOpt,
    JsonOpt,
    State,
    channels_app,
    emit,
    fail,
    state,
    translating,
)
from hifazat.domain.outbox import LEASE, MAX_ATTEMPTS
from hifazat.domain.times import Clock, utc_text
from hifazat.ledger.keys import KeyFileError
from hifazat.ledger.note import Signer
from hifazat.notify import Channel, sender
from hifazat.notify.settings import SmtpSettings
from hifazat.services import channels, delivery
from hifazat.services.delivery import BATCH, DeliveryRun
from hifazat.serving import logs
from hifazat.settings import log_format

log = logging.getLogger("hifazat.notify")


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
    stopping: Callable[[], bool] = lambda: False,
) -> DeliveryRun:
    """One pass of `services.delivery.deliver_due`, wired: a unit of work of its own per step
    on `engine` (never a command's shared transaction), and the real sender from the SMTP
    settings (`transports` replaces its transports: a fake in a test)."""
    units = State(clock, _engine=engine).uow  # outside a command: each its own transaction
    return delivery.deliver_due(
        units,
        sender(smtp_settings, transports),
        clock,
        worker_id,
        batch,
        max_attempts=max_attempts,
        lease=lease,
        signer=signer,
        stopping=stopping,
    )


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
    out rather than fatal, since the next pass reconnects. Once stopping, the pass under way
    finishes the notice on the wire and gives its other claims back."""
    log.info("worker started worker=%s batch=%d interval=%gs", worker_id, batch, interval)
    while not stop_event.is_set():
        try:
            run = deliver_due(
                engine, clock, worker_id, smtp_settings, batch, signer=signer,
                stopping=stop_event.is_set,
            )  # fmt: skip
            full = run.counts["claimed"] >= batch
        except (OperationalError, InterfaceError) as error:
            log.warning("database unavailable worker=%s error=%s", worker_id, type(error).__name__)
            full = False
        if not full:
            stop_event.wait(interval)
    log.info("worker stopped worker=%s", worker_id)


def run_worker(s: State, interval: float, once: bool, webhooks_only: bool, batch: int) -> None:
    """`hifazat worker` (declared in `cli.admin`): refuses to start without a transport it can
    use or without the ledger key, then logs a line per event on stderr while it delivers."""
    smtp = SmtpSettings()
    try:
        transport = smtp.channel()
    except ValueError as error:  # credentials without STARTTLS to another host
        raise fail(f"HIFAZAT_SMTP_USER: {error}", 2) from None
    if transport is None and not webhooks_only:
        raise fail(
            "HIFAZAT_SMTP_HOST: not set, so no e-mail can be sent; set it, or run with "
            "--webhooks-only to deliver webhooks alone",
            2,
        )
    try:
        signer = s.signer()  # every notice carries its receipt: the worker may checkpoint
    except KeyFileError as error:
        raise fail(f"ledger key: {error}", 2) from None
    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    handler = logs.handler(log_format(), sys.stderr)
    log.addHandler(handler)
    previous = log.level
    log.setLevel(logging.INFO)
    try:
        if transport is None:
            log.warning("webhooks only worker=%s: e-mail channels fail until HIFAZAT_SMTP_HOST "
                        "is set", worker_id)  # fmt: skip
        elif not smtp.starttls and smtp.host not in ("localhost", "127.0.0.1", "::1"):
            # a notice names the person and when their cover ends: say so if it travels bare
            log.warning("e-mail goes to %s:%d without STARTTLS: notices name the protectee "
                        "and when cover changes; set HIFAZAT_SMTP_STARTTLS=true",
                        smtp.host, smtp.port)  # fmt: skip
        if once:
            run = deliver_due(s.engine, s.clock, worker_id, smtp, batch, signer=signer)
            counts = sorted(run.counts.items())
            typer.echo(", ".join(f"{k} {v}" for k, v in counts) or "nothing due")
            return
        stop = threading.Event()
        with stopped_by_signals(stop):
            run_forever(s.engine, s.clock, worker_id, smtp, interval, stop, batch, signer)
    finally:
        log.removeHandler(handler)
        log.setLevel(previous)


@contextlib.contextmanager
def stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM (a service manager, `docker stop`) and Ctrl-C set `stop` instead of killing the
    worker mid-send: it finishes the notice on the wire and gives its other claims back."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def _stop(signum: int, _frame: object) -> None:
        log.info("stopping on %s: finishing the notice under way", signal.Signals(signum).name)
        stop.set()

    for sig in previous:
        signal.signal(sig, _stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@channels_app.command("list")
@translating
def channels_list(
    ctx: typer.Context,
    owner: Annotated[
        str | None, typer.Argument(help="A user id or a protectee id (default: everyone).")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """The channels notices go to; a webhook's secret is never shown again."""
    found = channels.list_channels(state(ctx).uow(), owner)
    rows = [
        {
            "channel": c.id,
            "owner": c.owner,
            "owner_kind": c.owner_kind,
            "kind": c.kind,
            "address": c.address,
            "created_at": utc_text(c.created_at),
        }
        for c in found
    ]
    if json_:
        emit(rows)
        return
    if not rows:
        typer.echo("no channels")
    for r in rows:
        typer.echo(
            f"{r['channel']:<16} {r['owner']:<28} {r['kind']:<8} {r['address']} "
            f"(since {r['created_at']})"
        )


@channels_app.command("remove")
@translating
def channels_remove(
    ctx: typer.Context,
    channel: Annotated[str, typer.Argument(help="The channel's id (see `channels list`).")],
    by: ByOpt,
) -> None:
    """Stop sending notices to a channel (an admin, or its owner). Notices still due go to the
    owner's other channels; with none left they wait, flagged NOTICE-UNDELIVERABLE."""
    s = state(ctx)
    removed = channels.remove_channel(s.uow(), channel, by, s.clock())
    typer.echo(f"{removed.id}: removed ({removed.kind} for {removed.owner})")
