"""Delivering notices: `hifazat worker`, and `hifazat channels add|list|remove`."""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
from typing import Annotated

import typer

from hifazat.cli.core import ByOpt, JsonOpt, app, channels_app, emit, fail, state, translating
from hifazat.domain.times import utc_text
from hifazat.ledger.keys import KeyFileError
from hifazat.notify.addresses import allowed_ranges
from hifazat.notify.settings import SmtpSettings
from hifazat.notify.worker import BATCH, deliver_due, run_forever
from hifazat.services import channels

#: one line per event, `key=value` fields after the message; never a body, secret or address
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@app.command()
@translating
def worker(
    ctx: typer.Context,
    interval: Annotated[float, typer.Option(help="Seconds between passes when idle.")] = 5.0,
    once: Annotated[bool, typer.Option("--once", help="One pass, then stop.")] = False,
    webhooks_only: Annotated[
        bool,
        typer.Option(
            "--webhooks-only",
            help="Run without e-mail (no HIFAZAT_SMTP_HOST): e-mail channels fail and retry.",
        ),
    ] = False,
    batch: Annotated[int, typer.Option(min=1, max=50, help="Notices per claim.")] = BATCH,
) -> None:
    """Deliver notices from the outbox by e-mail (HIFAZAT_SMTP_*) and signed webhooks, with
    retries and back-off, each with the receipt of its change (the worker checkpoints with the
    ledger key where needed); any number of workers may run at once. Logs a line per claim,
    send, failure, retry and dead letter on stderr."""
    try:
        allowed_ranges()  # a malformed allow setting stops the worker before any pass
    except ValueError as error:
        raise fail(str(error), 2) from None
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
    s = state(ctx)
    try:
        signer = s.signer()  # every notice carries its receipt: the worker may checkpoint
    except KeyFileError as error:
        raise fail(f"ledger key: {error}", 2) from None
    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    log = logging.getLogger("hifazat.notify")
    log.addHandler(handler)
    previous = log.level
    log.setLevel(logging.INFO)
    try:
        if transport is None:
            log.warning("webhooks only worker=%s: e-mail channels fail until HIFAZAT_SMTP_HOST "
                        "is set", worker_id)  # fmt: skip
        if once:
            run = deliver_due(s.engine, s.clock, worker_id, smtp, batch, signer=signer)
            counts = sorted(run.counts.items())
            typer.echo(", ".join(f"{k} {v}" for k, v in counts) or "nothing due")
            return
        stop = threading.Event()
        try:
            run_forever(s.engine, s.clock, worker_id, smtp, interval, stop, batch, signer)
        except KeyboardInterrupt:
            stop.set()
    finally:
        log.removeHandler(handler)
        log.setLevel(previous)


@channels_app.command("add")
@translating
def channels_add(
    ctx: typer.Context,
    owner: Annotated[str, typer.Argument(help="A user id, or a protectee id.")],
    kind: Annotated[str, typer.Option(help="email or webhook.")],
    address: Annotated[str, typer.Option(help="The e-mail address or the https URL.")],
    by: Annotated[str, typer.Option(help="The admin acting.")],
) -> None:
    """Where a user's or a protectee's notices are delivered. A webhook gets its own signing
    secret, shown once."""
    s = state(ctx)
    made = channels.add_channel(s.uow(), owner, kind, address, by, s.clock())
    typer.echo(f"{made.id}: {made.kind} for {made.owner}")
    if made.secret:
        typer.echo(f"webhook signing secret (shown once): {made.secret}")


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
