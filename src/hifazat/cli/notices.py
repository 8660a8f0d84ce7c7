"""Notices: what a protectee was told (`hifazat notices PROTECTEE`), the dead letters
(`hifazat notices dead`), and sending a dead one again (`hifazat notices requeue NOTICE`)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from hifazat.cli.core import ByOpt, JsonOpt, app, emit, state, translating
from hifazat.domain.fields import shown
from hifazat.domain.times import utc_text
from hifazat.services import json_shapes, notices


class _ShowUnlessCommand(TyperGroup):
    """`notices PROTECTEE` shows a protectee's notices, as before there were subcommands: a
    first argument that names no subcommand (nor asks for help) goes to `show`."""

    def parse_args(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["show", *args]
        return super().parse_args(ctx, args)


notices_app = typer.Typer(
    cls=_ShowUnlessCommand, no_args_is_help=True, help="Notices and their delivery."
)
app.add_typer(notices_app, name="notices")


@notices_app.command("show")
@translating
def notices_show(ctx: typer.Context, protectee: str, json_: JsonOpt = False) -> None:
    """What a protectee and their liaisons were told, with receipts once checkpointed."""
    s = state(ctx)
    found = notices.notices_of(s.uow(), protectee)
    if json_:
        emit([json_shapes.notice_view(n, r) for n, r in found])
        return
    for n, receipt in found:
        b: dict[str, Any] = n.body
        typer.echo(
            f"{n.id} to {n.recipient} ({n.recipient_kind}), {utc_text(n.created_at)}, "
            f"{n.state}: {shown(str(b['headline']), inline=True)}"
        )
        old = b.get("old_category_name", b["old_category"]) or "—"
        new = b.get("new_category_name", b["new_category"]) or "—"
        typer.echo(
            f"    {b['decision']} {b['action']}: {old} -> {new}, effective "
            f"{b['effective_local']}; {b['reason_code']}: {shown(str(b['reason']), inline=True)}"
        )
        decider = shown(str(b.get("decided_by_name") or b["decided_by"]), inline=True)
        amends = f"; amends {b['amends']}" if b.get("amends") else ""
        typer.echo(f"    decided by {decider}; receipt: {'yes' if receipt else 'not yet'}{amends}")


@notices_app.command("requeue")
@translating
def notices_requeue(
    ctx: typer.Context,
    notice: Annotated[str, typer.Argument(help="The dead notice's id.")],
    by: ByOpt,
    reason: Annotated[str, typer.Option(help="Why it is sent again (entered in the ledger).")],
    json_: JsonOpt = False,
) -> None:
    """Send a dead notice again: pending, due at once, with fresh retries. An admin, or a desk
    of a provider that decided on the protectee."""
    s = state(ctx)
    done = notices.requeue(s.uow(), notice, by, reason, s.clock())
    due = utc_text(done.next_attempt_at) if done.next_attempt_at else None
    if json_:
        emit({"notice": done.id, "state": done.state, "attempts": done.attempts, "due": due})
        return
    typer.echo(f"{done.id}: {done.state} again, due {due}")


@notices_app.command("dead")
@translating
def notices_dead(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Notices delivery gave up on (no channel took them after every round): each with its
    last error, to fix the channel and then `notices requeue` it."""
    found = notices.dead_letters(state(ctx).uow())
    rows = [
        {
            "notice": d.id,
            "protectee": d.protectee_id,
            "recipient": d.recipient,
            "recipient_kind": d.recipient_kind,
            "subject": d.subject,
            "decision": d.decision_id,
            "created_at": utc_text(d.created_at),
            "rounds": d.attempts,
            "last_error": d.last_error,
        }
        for d in found
    ]
    if json_:
        emit(rows)
        return
    if not rows:
        typer.echo("no dead notices")
    for r in rows:
        typer.echo(
            f"{r['notice']} to {r['recipient']} ({r['recipient_kind']}) about {r['protectee']}, "
            f"{r['subject']} {r['decision']}, written {r['created_at']}, dead after "
            f"{r['rounds']} rounds: {shown(str(r['last_error']), inline=True)}"
        )
