"""The register of public events: what an affiliation did in public, dated and sourced."""

from __future__ import annotations

from typing import Annotated

import typer

from hifazat.cli.core import ByOpt, JsonOpt, emit, events_app, state, translating
from hifazat.services import events


@events_app.command("add")
@translating
def add(
    ctx: typer.Context,
    at: Annotated[str, typer.Option("--at", help="When it happened, with its offset.")],
    affiliation: Annotated[str, typer.Option("--affiliation", help="Whose event: the party.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="criticism, protest, press-conference, defection, election or court-case.",
        ),
    ],
    title: Annotated[str, typer.Option("--title", help="What happened, in a line.")],
    source: Annotated[str, typer.Option("--source", help="A URL or a citation.")],
    by: ByOpt,
    id_: Annotated[str | None, typer.Option("--id", help="An id (default: a new one).")] = None,
    json_: JsonOpt = False,
) -> None:
    """Record a public event (auditors and the committee); a ledger entry."""
    s = state(ctx)
    done = events.add_event(
        s.uow(), events.NewEvent(at, affiliation, kind, title, source, by, id_), s.clock()
    )
    if json_:
        emit(done.as_dict())
    else:
        typer.echo(f"recorded public event {done.id}")


@events_app.command("list")
@translating
def list_(
    ctx: typer.Context,
    affiliation: Annotated[str | None, typer.Option("--affiliation", help="One party's.")] = None,
    json_: JsonOpt = False,
) -> None:
    """The register, in the order the events happened."""
    s = state(ctx)
    found = events.listing(s.uow(), affiliation=affiliation)
    if json_:
        emit([e.as_dict() for e in found])
    else:
        from hifazat.cli import console

        console.events_table(found, s.zone())
