"""Reviews, appeals, ratification and the resolution of ground reports."""

from __future__ import annotations

from typing import Annotated

import typer

from hifazat.cli.core import (
    ByOpt,
    JsonOpt,
    app,
    appeal_app,
    emit,
    report_app,
    state,
    translating,
)
from hifazat.domain.appeal import AppealOutcome
from hifazat.domain.times import (
    utc_text,
)
from hifazat.services import (
    appeals,
    emergencies,
    json_shapes,
    registry_entries,
    reviews,
)


@app.command("review")
@translating
def review_(
    ctx: typer.Context,
    coverage: Annotated[
        str, typer.Argument(help="The coverage (the grant decision that opened it).")
    ],
    outcome: Annotated[str, typer.Option(help="confirm, or upgrade/downgrade/suspend/withdraw.")],
    reason: Annotated[str, typer.Option()],
    by: ByOpt,
    category: Annotated[str | None, typer.Option(help="For an upgrade or downgrade.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Record a periodic review: confirm the cover, or propose the change it concluded."""
    s = state(ctx)
    outcome = "confirmed" if outcome == "confirm" else outcome
    done = reviews.review(s.uow(), coverage, outcome, reason, by, s.clock, category)
    result = {
        "review": done.review.id,
        "outcome": done.review.outcome,
        "decision": done.decision.id if done.decision else None,
    }
    if json_:
        emit(result)
    elif done.decision:
        typer.echo(f"{done.review.id}: proposed {done.decision.id}, awaiting approval")
    else:
        typer.echo(f"{done.review.id}: cover confirmed")


@appeal_app.command("lodge")
@translating
def appeal_lodge(
    ctx: typer.Context,
    decision: str,
    by: ByOpt,
    grounds: Annotated[str, typer.Option()],
    json_: JsonOpt = False,
) -> None:
    """Appeal a decision (the protectee, or a liaison with consent)."""
    s = state(ctx)
    appeal = appeals.lodge(s.uow(), decision, by, grounds, s.clock)
    if json_:
        emit(json_shapes.appeal_view(appeal))
    else:
        typer.echo(appeal.id)


@appeal_app.command("decide")
@translating
def appeal_decide(
    ctx: typer.Context,
    appeal: str,
    outcome: Annotated[AppealOutcome, typer.Option(help="upheld: the decision stands.")],
    reason: Annotated[str, typer.Option()],
    by: ByOpt,
    json_: JsonOpt = False,
) -> None:
    """The committee decides an appeal; overturning undoes the decision."""
    s = state(ctx)
    decided = appeals.decide_appeal(s.uow(), appeal, outcome, reason, by, s.clock)
    if json_:
        emit(json_shapes.appeal_view(decided))
        return
    undone = f"; restored by {decided.restoring_decision}" if decided.restoring_decision else ""
    typer.echo(f"{appeal} {outcome.value} by {by}{undone}")


@appeal_app.command("list")
@translating
def appeal_list(
    ctx: typer.Context,
    protectee: Annotated[str | None, typer.Option()] = None,
    json_: JsonOpt = False,
) -> None:
    """Appeals, open and decided."""
    with state(ctx).uow() as uow:
        found = uow.repo.appeals(protectee)
    if json_:
        emit([json_shapes.appeal_view(a) for a in found])
        return
    for a in found:
        typer.echo(
            f"{a.id} against {a.decision_id} by {a.lodged_by} at {utc_text(a.lodged_at)}: "
            f"{a.outcome.value if a.outcome else 'open'}"
        )


@app.command("ratify")
@translating
def ratify_(
    ctx: typer.Context,
    decision: str,
    by: ByOpt,
    reason: Annotated[str, typer.Option()],
    refuse: Annotated[bool, typer.Option("--refuse", help="Refuse, restoring the cover.")] = False,
) -> None:
    """The committee ratifies an emergency decision, or refuses it."""
    s = state(ctx)
    found = emergencies.ratify(s.uow(), decision, by, refuse, reason, s.clock)
    verdict = "refused; previous cover restored" if refuse else "ratified"
    typer.echo(f"{found.id} {verdict} by {by}")


@report_app.command("resolve")
@translating
def report_resolve(
    ctx: typer.Context,
    report: str,
    outcome: Annotated[str, typer.Option(help="restored, decision-recorded or unfounded.")],
    reason: Annotated[str, typer.Option()],
    by: ByOpt,
    decision: Annotated[str | None, typer.Option(help="For decision-recorded.")] = None,
) -> None:
    """Resolve a ground report."""
    s = state(ctx)
    registry_entries.resolve(s.uow(), report, outcome, reason, by, s.clock, decision)
    typer.echo(f"{report} resolved: {outcome}")
