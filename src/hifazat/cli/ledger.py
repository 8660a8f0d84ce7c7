"""The tamper-evident ledger."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Annotated

import typer

from hifazat.bootstrap import verify_beside_key
from hifazat.cli.core import (
    JsonOpt,
    emit,
    fail,
    ledger_app,
    state,
    translating,
)
from hifazat.domain.times import (
    utc_text,
)
from hifazat.ledger.note import Verifier
from hifazat.ledger.receipt import check_receipt
from hifazat.services import (
    ledger,
)
from hifazat.services.yaml_lines import read_text


@ledger_app.command("public-key")
@translating
def ledger_public_key(ctx: typer.Context) -> None:
    """The verifier key that checks checkpoints and receipts (signed-note format)."""
    typer.echo(state(ctx).signer().verifier().text())


@ledger_app.command("checkpoint")
@translating
def ledger_checkpoint(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Sign a checkpoint (tree head) over every entry so far."""
    s = state(ctx)
    made = ledger.make_checkpoint(s.uow(), s.signer(), s.clock())
    if json_:
        emit(
            {
                "tree_size": made.size,
                "root": base64.b64encode(made.root).decode(),
                "new": made.new,
                "checkpoint": made.note,
            }
        )
    else:
        typer.echo(made.note, nl=False)


@ledger_app.command("proof")
@translating
def ledger_proof(
    ctx: typer.Context,
    decision: str,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Receipt file.")] = None,
) -> None:
    """Write the receipt of a decision: its entry, inclusion path and signed checkpoint."""
    s = state(ctx)
    text = json.dumps(ledger.receipt(s.uow(), decision, s.signer(), s.clock()), indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"receipt for {decision} written to {output}")


#: a receipt is a few kilobytes; a file far larger is not one
RECEIPT_BYTES = 1 << 20


@ledger_app.command("check-receipt")
@translating
def ledger_check_receipt(
    file: Path,
    key: Annotated[str, typer.Option(help="Verifier key text, or a file holding it.")],
    json_: JsonOpt = False,
) -> None:
    """Check a receipt offline, with nothing but the verifier key."""
    key_text = Path(key).read_text(encoding="utf-8").strip() if Path(key).is_file() else key
    text = read_text(file, RECEIPT_BYTES)  # UTF-8 and bounded, or exit 2 naming the file
    result = check_receipt(text, key_text)
    if json_:
        emit(
            {
                "ok": True,
                "seq": result.seq,
                "kind": result.kind,
                "at": utc_text(result.at),
                "actor": result.actor,
                "payload": dict(result.payload),
                "tree_size": result.tree_size,
                "origin": result.origin,
            }
        )
        return
    typer.echo(
        f"receipt verifies: entry {result.seq} ({result.kind}) by {result.actor} at "
        f"{utc_text(result.at)}, included in {result.origin} at size {result.tree_size}"
    )


@ledger_app.command("verify")
@translating
def ledger_verify(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Option(help="Verifier key (default: from the key file).")
    ] = None,
    log_only: Annotated[
        bool,
        typer.Option(
            "--log-only",
            help="Check the log alone (leaf hashes, tree, signed checkpoints), not the records.",
        ),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Recompute every entry from the records and check the tree and every checkpoint, and that
    the database still holds the checkpoint kept beside the key."""
    s = state(ctx)
    verifier = Verifier.parse(key) if key else s.signer().verifier()
    report = verify_beside_key(s.engine, verifier, s.key_path, records=not log_only)
    if json_:
        emit(report.as_dict() | {"records_checked": not log_only})
    elif report.ok:
        what = "the log alone" if log_only else "entries recomputed from the records"
        typer.echo(
            f"ledger verifies: {report.entries} entries, {report.checkpoints} checkpoints, "
            f"{report.rate:,.0f} entries/s ({what})"
        )
    if not report.ok:
        first = report.problems[0]
        more = len(report.problems) - 1
        raise fail(f"ledger: {first}" + (f" (and {more} more problems)" if more else ""), 1)
