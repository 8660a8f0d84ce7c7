"""A provider's roll of officers and vehicles, duty rosters, and the roster's solver measured
against a published table."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from hifazat.cli.core import (
    ByOpt,
    JsonOpt,
    emit,
    roll_app,
    roster_app,
    solver,
    state,
    translating,
)
from hifazat.domain.fields import check_day
from hifazat.services import json_shapes, roll, rostering, shift_capacity
from hifazat.services.yaml_lines import read_text


@roster_app.command("benchmark")
@translating
def roster_benchmark(
    file: Annotated[Path, typer.Argument(help="A Curtois & Qu instance (InstanceN.txt).")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds the solver may take.")
    ] = 60.0,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, max=64, help="The solver's parallel workers (8)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="The solver's random seed.")] = 0,
    json_: JsonOpt = False,
) -> None:
    """Solve one published shift-scheduling instance with the roster's solver; print its
    objective (recomputed from the assignment), the best known, the gap and the assignment."""
    # the solver (OR-Tools) is loaded by the command that uses it, not by every command's start
    from hifazat.rostering import benchmark as measured
    from hifazat.rostering.solver import Settings

    settings = Settings(time_limit=time_limit, seed=seed)
    if workers is not None:
        settings = replace(settings, workers=workers)
    result = measured.run(file.stem, read_text(file), settings, str(file))
    view = result.view()
    if json_:
        emit(view)
        return
    gap = "unknown" if view["gap"] is None else f"{view['gap']:.2%}"
    typer.echo(
        f"{view['instance']}: objective {view['objective']} ({view['outcome']}), "
        f"best known {view['best_known']}, gap {gap}, {view['seconds']:.1f} s"
    )
    width = max(len(e) for e in result.assignment)
    for employee, days in result.assignment.items():
        typer.echo(f"{employee:<{width}}  " + " ".join(d or "." for d in days))


@roll_app.command("import")
@translating
def roll_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CSV file with a header row.")],
    kind: Annotated[str, typer.Option("--kind", help="officers or vehicles.")],
    provider: Annotated[str, typer.Option("--provider", help="Whose roll.")],
    by: ByOpt,
    json_: JsonOpt = False,
) -> None:
    """Load officers (service_number, name, rank, unit, qualifications, absences) or vehicles
    (registration, kind, state) onto a provider's roll, in one transaction, as its desk."""
    s = state(ctx)
    loaded = roll.import_csv(s.uow(), provider, kind, read_text(file), str(file), by, s.clock)
    if json_:
        emit(
            {"provider": loaded.provider, "officers": loaded.officers, "vehicles": loaded.vehicles}
        )
        return
    typer.echo(
        f"loaded {loaded.officers} officers and {loaded.vehicles} vehicles "
        f"onto the roll of {loaded.provider}"
    )


@roll_app.command("list")
@translating
def roll_list(
    ctx: typer.Context,
    provider: Annotated[str, typer.Option("--provider", help="Whose roll.")],
    by: ByOpt,
    json_: JsonOpt = False,
) -> None:
    """A provider's officers and vehicles: for its own desk only (need-to-know)."""
    s = state(ctx)
    officers, vehicles = roll.roll(s.uow(), provider, by)
    if json_:
        emit(json_shapes.roll_view(officers, vehicles))
        return
    from hifazat.cli import console

    console.roll_tables(officers, vehicles)


@roster_app.command("plan")
@translating
def roster_plan(
    ctx: typer.Context,
    provider: Annotated[str, typer.Option("--provider", help="Whose roster.")],
    first: Annotated[str, typer.Option("--from", help="The first day, YYYY-MM-DD (local).")],
    by: ByOpt,
    days: Annotated[int, typer.Option("--days", help="How many days.")] = 28,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds the solver may take.")
    ] = 60.0,
    json_: JsonOpt = False,
) -> None:
    """Plan the provider's duty roster from its covers as decided and its roll: who stands
    each post in each shift, and how many short. For the provider's own desk."""
    s = state(ctx)
    day = check_day(first, "--from")
    made = rostering.plan(s.uow(), provider, day, days, by, s.clock(), solver(time_limit))
    if json_:
        emit(json_shapes.plan_view(made))
        return
    from hifazat.cli import console

    console.plan_tables(made)


FromOpt = Annotated[str, typer.Option("--from", help="The first day, YYYY-MM-DD (local).")]
DaysOpt = Annotated[int, typer.Option("--days", help="How many days.")]
SecondsOpt = Annotated[
    float, typer.Option("--time-limit", min=0.1, help="Seconds the solver may take.")
]


@roster_app.command("publish")
@translating
def roster_publish(
    ctx: typer.Context,
    provider: Annotated[str, typer.Option("--provider", help="Whose roster.")],
    first: FromOpt,
    by: ByOpt,
    days: DaysOpt = 28,
    time_limit: SecondsOpt = 60.0,
    json_: JsonOpt = False,
) -> None:
    """Publish the provider's roster for the days: planned as `roster plan` does, with the
    roster already published for them kept wherever it can be (least change); says which
    officers it frees or needs, and from when."""
    s = state(ctx)
    made = rostering.publish(
        s.uow(), provider, check_day(first, "--from"), days, by, s.clock(), solver(time_limit)
    )
    if json_:
        emit(json_shapes.published_view(made))
        return
    from hifazat.cli import console

    console.published_lines(made)


@roster_app.command("show")
@translating
def roster_show(
    ctx: typer.Context,
    provider: Annotated[str, typer.Option("--provider", help="Whose roster.")],
    first: FromOpt,
    by: ByOpt,
    days: DaysOpt = 7,
    json_: JsonOpt = False,
) -> None:
    """The roster in force for the days: the latest publication covering each."""
    s = state(ctx)
    found = rostering.in_force(s.uow(), provider, check_day(first, "--from"), days, by, s.clock())
    if json_:
        emit(json_shapes.in_force_view(found))
        return
    from hifazat.cli import console

    console.in_force_table(found)


@roster_app.command("what-if")
@translating
def roster_what_if(
    ctx: typer.Context,
    decision: Annotated[str, typer.Argument(help="A decision not yet in force.")],
    first: FromOpt,
    by: ByOpt,
    days: DaysOpt = 28,
    time_limit: SecondsOpt = 30.0,
    json_: JsonOpt = False,
) -> None:
    """What a decision not yet in force asks of its provider's roll: the roster planned as
    decided today and again as if the decision were approved, the officer-shifts it adds or
    frees per shift and from when, and whether the roll can stand them. For the desk."""
    s = state(ctx)
    found = shift_capacity.what_if(
        s.uow(), decision, check_day(first, "--from"), days, by, s.clock(), solver(time_limit)
    )
    if json_:
        emit(json_shapes.what_if_view(found))
        return
    from hifazat.cli import console

    console.what_if_lines(found)
