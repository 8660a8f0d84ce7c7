"""`hifazat export`: restricted records as a CSV marked for its reader, and the trace of a
leaked copy back to the export it came from (issue 17; docs/ledger.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hifazat.cli.core import ByOpt, JsonOpt, emit, export_app, fail, state, translating
from hifazat.domain.times import local_text
from hifazat.services import exports
from hifazat.services.yaml_lines import read_text

#: the largest copy `export trace` reads
COPY_BYTES = 64 * 1024 * 1024


def _made(ctx: typer.Context, kind: str, by: str, reason: str, out: Path, json_: bool) -> None:
    s = state(ctx)
    if out.exists():
        raise fail(f"{out} exists; an export is never written over another file", 2)
    done = exports.export(s.uow(), kind, by, reason, s.clock())
    with out.open("x", encoding="utf-8", newline="") as handle:
        handle.write(done.text)
    out.chmod(0o600)
    if json_:
        emit({"export": done.id, "kind": done.kind, "rows": done.rows, "file": str(out)})
    else:
        typer.echo(
            f"export {done.id}: {done.rows} {done.kind} to {out}, marked for {by} "
            "and entered in the ledger"
        )


ReasonOpt = Annotated[str, typer.Option("--reason", help="Why this reader needs the records.")]
OutOpt = Annotated[Path, typer.Option("-o", "--out", help="The CSV to write (must not exist).")]


@export_app.command("protectees")
@translating
def export_protectees(
    ctx: typer.Context, by: ByOpt, reason: ReasonOpt, out: OutOpt, json_: JsonOpt = False
) -> None:
    """Every protectee (name, public figure, affiliation, offices) as a CSV marked for BY."""
    _made(ctx, "protectees", by, reason, out, json_)


@export_app.command("decisions")
@translating
def export_decisions(
    ctx: typer.Context, by: ByOpt, reason: ReasonOpt, out: OutOpt, json_: JsonOpt = False
) -> None:
    """Every decision (protectee, provider, action, category, reason code) as a marked CSV."""
    _made(ctx, "decisions", by, reason, out, json_)


@export_app.command("trace")
@translating
def export_trace(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The copy found: a whole export or part of one.")],
    by: ByOpt,
    json_: JsonOpt = False,
) -> None:
    """Name the export (and so its reader) a copy came from, from the marks on its rows."""
    s = state(ctx)
    found = exports.trace(s.uow(), read_text(file, COPY_BYTES), by)
    if json_:
        emit([t.as_dict() for t in found])
        return
    best = found[0] if found else None
    if best is None or not best.named:
        typer.echo("no export is named: no recorded export agrees with this copy's marks")
        for t in found[:3]:
            typer.echo(f"  {t.export} ({t.reader_name}): {t.agree} of {t.bits} marks agree")
        raise typer.Exit(1)
    typer.echo(
        f"export {best.export} ({best.kind}), read by {best.reader_name} ({best.reader}), made "
        f"{local_text(best.made_at, s.zone())} because: {best.reason}"
    )
    typer.echo(
        f"{best.rows} of its rows in the copy; {best.agree} of {best.bits} marks agree; "
        f"another export would agree so well with probability {best.p_value:.1e}"
    )
