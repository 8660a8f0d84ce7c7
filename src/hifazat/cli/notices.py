"""Notices: sending a dead one again."""

from __future__ import annotations

from typing import Annotated

import typer

from hifazat.cli.core import ByOpt, JsonOpt, app, emit, state, translating
from hifazat.domain.times import utc_text
from hifazat.services import notices

notices_app = typer.Typer(no_args_is_help=True, help="Notices and their delivery.")
app.add_typer(notices_app, name="notices")


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
