"""The registry: imports, status, decisions, ground reports and threat assessments."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hifazat.cli.core import (
    ByOpt,
    JsonOpt,
    app,
    decision_app,
    emit,
    instant,
    report_app,
    solver,
    state,
    threat_app,
    translating,
)
from hifazat.domain.decision import Action, Basis
from hifazat.domain.fields import shown
from hifazat.domain.times import (
    local_text,
    parse_instant,
)
from hifazat.services import (
    decide,
    importer,
    json_shapes,
    registry_entries,
)
from hifazat.services.status import protectee_status


@app.command("import")
@translating
def import_(ctx: typer.Context, file: Path, json_: JsonOpt = False) -> None:
    """Load a scenario file in one transaction; a refused row fails the whole file."""
    s = state(ctx)
    summary = importer.import_scenario(s.uow(), file, s.clock, solver)
    if json_:
        emit({"policy": summary.policy, **summary.counts})
        return
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in summary.counts.items())
    typer.echo(f"imported {file} under policy {summary.policy}: {counts}")


@app.command()
@translating
def status(
    ctx: typer.Context,
    protectee: str,
    at: Annotated[
        str | None, typer.Option(help="An instant with offset, e.g. 2026-01-27T08:00:00+05:00.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """The layered cover of a protectee now, or at a past instant."""
    s = state(ctx)
    when = instant(at, "--at") or s.clock()
    result = protectee_status(s.uow(), protectee, when)
    if json_:
        emit(json_shapes.status_view(result))
    else:
        from hifazat.cli import console

        console.status_table(result, s.zone())


@app.command("decide")
@translating
def decide_(
    ctx: typer.Context,
    action: Action,
    protectee: Annotated[str, typer.Option()],
    provider: Annotated[str, typer.Option()],
    by: ByOpt,
    category: Annotated[str | None, typer.Option()] = None,
    basis: Annotated[Basis | None, typer.Option(help="For a grant.")] = None,
    reason_code: Annotated[str, typer.Option("--reason-code")] = "",
    reason: Annotated[str, typer.Option()] = "",
    emergency: Annotated[bool, typer.Option("--emergency")] = False,
    effective: Annotated[
        str | None, typer.Option(help="When it takes effect, with offset.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Propose a decision; prints its id."""
    s = state(ctx)
    proposal = decide.proposal_of(
        action,
        protectee,
        provider,
        by,
        reason_code,
        reason,
        category,
        basis,
        emergency,
        instant(effective, "--effective"),
    )
    proposed = decide.propose(s.uow(), proposal, s.clock)
    if json_:
        emit(
            {
                "decision": proposed.decision.id,
                "state": "proposed",
                "needs_committee": [v.message for v in proposed.needs_committee],
            }
        )
        return
    typer.echo(proposed.decision.id)
    for why in proposed.needs_committee:
        typer.echo(f"note: the committee must approve: {shown(why.message, inline=True)}", err=True)


@app.command()
@translating
def approve(
    ctx: typer.Context,
    decision: str,
    by: ByOpt,
    effective: Annotated[
        str | None, typer.Option(help="Set or correct the effective time.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Approve a proposed decision; it takes effect at its effective time."""
    s = state(ctx)
    decided = decide.approve(s.uow(), decision, by, s.clock, instant(effective, "--effective"))
    if json_:
        emit(json_shapes.decision_view(decided, s.clock()))
        return
    if decided.effective_at is None:
        with s.uow() as uow:
            role = decide.next_role(uow, decided.id, s.clock())
        typer.echo(f"{decided.id}: step {len(decided.steps)} approved by {by}; waiting on {role}")
        return
    when = local_text(decided.effective_at, s.zone())
    typer.echo(f"{decided.id} approved by {by}; takes effect {when}")


@app.command()
@translating
def rescind(
    ctx: typer.Context,
    decision: str,
    by: ByOpt,
    reason: Annotated[str, typer.Option()] = "",
) -> None:
    """Withdraw a decision before it takes effect."""
    s = state(ctx)
    decide.rescind(s.uow(), decision, by, reason, s.clock)
    typer.echo(f"{decision} rescinded by {by}")


@report_app.command("discrepancy")
@translating
def report_discrepancy(
    ctx: typer.Context,
    protectee: Annotated[str, typer.Option()],
    provider: Annotated[str, typer.Option()],
    by: ByOpt,
    observed: Annotated[str, typer.Option(help="When it was seen, with offset.")],
    text: Annotated[str, typer.Option()],
    json_: JsonOpt = False,
) -> None:
    """File a ground report: what is deployed differs from what is authorised."""
    s = state(ctx)
    observed_at = parse_instant(observed, "--observed")
    report = registry_entries.report_discrepancy(
        s.uow(), registry_entries.NewReport(protectee, provider, by, observed_at, text), s.clock
    )
    if json_:
        emit({"report": report.id})
    else:
        typer.echo(report.id)


@threat_app.command("add")
@translating
def threat_add(
    ctx: typer.Context,
    protectee: Annotated[str, typer.Option()],
    level: Annotated[str, typer.Option()],
    agency: Annotated[str, typer.Option()],
    valid_until: Annotated[str, typer.Option("--valid-until")],
    summary: Annotated[str, typer.Option()],
    by: ByOpt,
    assessed: Annotated[str | None, typer.Option(help="Default: now.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Enter a threat assessment (intelligence only)."""
    s = state(ctx)
    now = s.clock()
    new = registry_entries.NewAssessment(
        protectee,
        level,
        agency,
        instant(assessed, "--assessed") or now,
        parse_instant(valid_until, "--valid-until"),
        summary,
        by,
    )
    assessment = registry_entries.add_assessment(s.uow(), new, lambda: now)
    if json_:
        emit({"assessment": assessment.id})
    else:
        typer.echo(assessment.id)


@decision_app.command("show")
@translating
def decision_show(ctx: typer.Context, decision: str, json_: JsonOpt = False) -> None:
    """A decision: its state, approval steps, the step it waits on, appeal, ratification."""
    s = state(ctx)
    now = s.clock()
    with s.uow() as uow:
        found = uow.repo.decision(decision)
        waiting = decide.next_role(uow, decision, now)
    view = {**json_shapes.decision_view(found, now), "waiting_on": waiting}
    if json_:
        emit(view)
        return
    for key, value in view.items():
        if value not in (None, [], ""):
            typer.echo(f"{key:>22}: {shown(str(value), inline=True)}")
