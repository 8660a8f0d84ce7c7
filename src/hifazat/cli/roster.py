"""Duty rosters, and the roster's solver measured against a published table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hifazat.cli.core import JsonOpt, emit, roster_app, translating
from hifazat.rostering import benchmark as measured
from hifazat.rostering.solver import Settings
from hifazat.services.yaml_lines import read_text


@roster_app.command("benchmark")
@translating
def roster_benchmark(
    file: Annotated[Path, typer.Argument(help="A Curtois & Qu instance (InstanceN.txt).")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds the solver may take.")
    ] = 60.0,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="The solver's parallel workers.")
    ] = Settings.workers,
    seed: Annotated[int, typer.Option("--seed", min=0, help="The solver's random seed.")] = 0,
    json_: JsonOpt = False,
) -> None:
    """Solve one published shift-scheduling instance with the roster's solver; print its
    objective (recomputed from the assignment), the best known, the gap and the assignment."""
    settings = Settings(time_limit=time_limit, workers=workers, seed=seed)
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
