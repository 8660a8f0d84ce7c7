"""Flags, the review queue, the fairness audit, capacity and cost."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from hifazat.cli.core import (
    JsonOpt,
    State,
    app,
    audit_app,
    emit,
    fail,
    instant,
    report_app,
    reviews_app,
    state,
    translating,
)
from hifazat.domain import fields
from hifazat.domain.errors import InvalidInput
from hifazat.domain.fields import check_day
from hifazat.domain.times import parse_duration, period
from hifazat.services import (
    audits,
    json_shapes,
    oversight,
    shift_capacity,
)


@app.command()
@translating
def flags(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option(help="An instant with offset.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Every open flag: overdue reviews, cover without basis, ground reports, clusters."""
    s = state(ctx)
    when = instant(at, "--at") or s.clock()
    with s.uow() as uow:
        found = oversight.flags_at(uow, when)
    if json_:
        emit([json_shapes.flag_view(f) for f in found])
    else:
        from hifazat.cli import console

        console.flags_table(found, s.zone())


@reviews_app.command("due")
@translating
def reviews_due(
    ctx: typer.Context,
    within: Annotated[str, typer.Option(help="Also list reviews due within this long.")] = "30d",
    json_: JsonOpt = False,
) -> None:
    """The review queue: covers whose periodic review is due or overdue."""
    s = state(ctx)
    queue = oversight.reviews_due(s.uow(), s.clock(), parse_duration(within, "--within"))
    if json_:
        emit([json_shapes.review_view(item) for item in queue])
    else:
        from hifazat.cli import console

        console.reviews_table(queue, s.zone())


def span(s: State, start: str | None, end: str | None) -> tuple[datetime, datetime]:
    """--from / --to, by default the year up to now."""
    return period(instant(start, "--from"), instant(end, "--to"), s.clock())


FromOpt = Annotated[
    str | None, typer.Option("--from", help="Start, with offset (default: a year ago).")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="End, with offset (default: now).")]


@audit_app.command("fairness")
@translating
def audit_fairness(
    ctx: typer.Context, from_: FromOpt = None, to: ToOpt = None, json_: JsonOpt = False
) -> None:
    """Withdrawals and downgrades by affiliation within cohorts, with an exact test, and
    clusters; every finding with its evidence."""
    s = state(ctx)
    start, end = span(s, from_, to)
    result = audits.fairness(s.uow(), start, end, s.clock())
    if json_:
        emit(result.as_dict())
    else:
        from hifazat.cli import console

        console.fairness_tables(result)


@audit_app.command("retaliation")
@translating
def audit_retaliation(
    ctx: typer.Context,
    from_: FromOpt = None,
    to: ToOpt = None,
    window: Annotated[
        str | None,
        typer.Option(help="Reductions decided this long after an event (default: the policy's)."),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Reductions of an affiliation's cover decided soon after its public events, against
    what the provider's own reductions at other times predict; every finding with its events
    and decisions. JSON: the findings (flagged tests) alone."""
    s = state(ctx)
    start, end = span(s, from_, to)
    length = parse_duration(window, "--window") if window is not None else None
    result = audits.retaliation_test(s.uow(), start, end, s.clock(), length)
    if json_:
        emit([t.as_dict() for t in result.findings])
    else:
        from hifazat.cli import console

        console.retaliation_tables(result, s.zone())


@app.command("capacity")
@translating
def capacity_(
    ctx: typer.Context,
    provider: Annotated[
        str | None, typer.Option("--provider", help="One provider, shift by shift.")
    ] = None,
    first: Annotated[
        str | None, typer.Option("--from", help="With --provider: the first day; today.")
    ] = None,
    days: Annotated[int, typer.Option("--days", help="With --provider: how many days.")] = 7,
    by: Annotated[str | None, typer.Option("--by", help="With --provider: who asks.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Officers and vehicles committed against each provider's sanctioned pool, now and after
    pending decisions; cover with no valid basis. With --provider: that provider shift by
    shift — sanctioned, available on the roll, committed by decisions, rostered and present."""
    s = state(ctx)
    if provider is not None:
        if by is None:
            raise InvalidInput("--by", "say who asks, with --provider")
        day = None if first is None else check_day(first, "--from")
        found_loads = shift_capacity.loads(s.uow(), provider, day, days, by, s.clock())
        if json_:
            emit(json_shapes.loads_view(found_loads))
            return
        from hifazat.cli import console

        console.loads_table(found_loads, s.zone())
        return
    found = audits.capacity_at(s.uow(), s.clock())
    if json_:
        emit([c.as_dict() for c in found])
    else:
        from hifazat.cli import console

        console.capacity_table(found)


@app.command("cost")
@translating
def cost_(
    ctx: typer.Context,
    from_: FromOpt = None,
    to: ToOpt = None,
    officer_day_rate: Annotated[
        float | None, typer.Option(help="Recovery per officer-day.")
    ] = None,
    vehicle_day_rate: Annotated[
        float | None, typer.Option(help="Recovery per vehicle-day.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Officer-days and vehicle-days per provider and protectee; recoverable for private persons."""
    s = state(ctx)
    start, end = span(s, from_, to)
    for option, rate in (
        ("--officer-day-rate", officer_day_rate),
        ("--vehicle-day-rate", vehicle_day_rate),
    ):
        if rate is not None:
            fields.check_rate(rate, option)
    result = audits.cost_over(s.uow(), start, end, s.clock(), officer_day_rate, vehicle_day_rate)
    if json_:
        emit(result.as_dict())
    else:
        from hifazat.cli import console

        console.cost_table(result)


@report_app.command("transparency")
@translating
def report_transparency(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    format_: Annotated[str, typer.Option("--format", help="html or pdf.")] = "html",
    from_: FromOpt = None,
    to: ToOpt = None,
) -> None:
    """The public transparency report: per provider and period, small cells suppressed."""
    from hifazat.reports.transparency.render import to_html, to_pdf

    if format_ not in ("html", "pdf"):
        raise fail(f"--format: {format_!r} is not html or pdf", 2)
    s = state(ctx)
    start, end = span(s, from_, to)
    report = audits.transparency(s.uow(), start, end, s.clock())
    if format_ == "pdf":
        output.write_bytes(to_pdf(report))
    else:
        output.write_text(to_html(report), encoding="utf-8")
    typer.echo(f"transparency report ({format_}) written to {output}")
