"""Attendance at a provider's posts: check-ins, check-outs, and the sheet of who stood where
against what was decided."""

from __future__ import annotations

from typing import Annotated

import typer

from hifazat.cli.core import ByOpt, JsonOpt, attendance_app, emit, instant, state, translating
from hifazat.domain.attendance import Check
from hifazat.domain.fields import check_day
from hifazat.services import attendance, json_shapes

ProviderOpt = Annotated[str, typer.Option("--provider", help="The officer's force.")]
OfficerOpt = Annotated[str, typer.Option("--officer", help="The officer's service number.")]
AtOpt = Annotated[
    str | None, typer.Option("--at", help="When (ISO 8601 with its offset); now by default.")
]


@attendance_app.command("in")
@translating
def check_in(
    ctx: typer.Context,
    provider: ProviderOpt,
    officer: OfficerOpt,
    protectee: Annotated[str, typer.Option("--protectee", help="Whose post.")],
    by: ByOpt,
    vehicle: Annotated[
        str | None, typer.Option("--vehicle", help="The vehicle's registration, if any.")
    ] = None,
    at: AtOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Check an officer in at a protectee's post, for the provider's desk."""
    s = state(ctx)
    now = s.clock()
    when = instant(at, "--at") or now
    done = attendance.check_in(s.uow(), provider, officer, protectee, when, by, now, vehicle)
    _said(done, json_)


@attendance_app.command("out")
@translating
def check_out(
    ctx: typer.Context,
    provider: ProviderOpt,
    officer: OfficerOpt,
    by: ByOpt,
    at: AtOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Check an officer out of the post they are checked in at."""
    s = state(ctx)
    now = s.clock()
    done = attendance.check_out(s.uow(), provider, officer, instant(at, "--at") or now, by, now)
    _said(done, json_)


def _said(done: Check, json_: bool) -> None:
    if json_:
        emit(json_shapes.check_view(done))
        return
    typer.echo(
        f"{done.officer} checked {done.kind.value} at {done.protectee_id}'s post "
        f"({json_shapes.check_view(done)['at']}); ledger entry for {done.id}"
    )


@attendance_app.command("show")
@translating
def show(
    ctx: typer.Context,
    provider: Annotated[str, typer.Option("--provider", help="Whose posts.")],
    by: ByOpt,
    first: Annotated[
        str | None, typer.Option("--from", help="The first day, YYYY-MM-DD (local); today.")
    ] = None,
    days: Annotated[int, typer.Option("--days", help="How many days (1 to 31).")] = 1,
    json_: JsonOpt = False,
) -> None:
    """Each post in each started shift: the complement decided, who was rostered, who stood
    there, who missed it; and the provider's NOMINAL, UNDERSTAFFED and UNAUTHORISED flags."""
    s = state(ctx)
    day = None if first is None else check_day(first, "--from")
    found = attendance.sheet(s.uow(), provider, day, days, by, s.clock())
    if json_:
        emit(json_shapes.sheet_view(found))
        return
    from hifazat.cli import console

    console.sheet_table(found)
