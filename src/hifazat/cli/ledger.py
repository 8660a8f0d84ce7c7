"""The tamper-evident ledger."""

from __future__ import annotations

import base64
import json
import os
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
from hifazat.ledger.cosignature import CosignerKey
from hifazat.ledger.note import Verifier
from hifazat.ledger.receipt import check_receipt
from hifazat.services import (
    ledger,
    witnessing,
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


def _key_text(value: str) -> str:
    """A key given as its text, or as a file holding it."""
    return Path(value).read_text(encoding="utf-8").strip() if Path(value).is_file() else value


@ledger_app.command("check-receipt")
@translating
def ledger_check_receipt(
    file: Path,
    key: Annotated[str, typer.Option(help="Verifier key text, or a file holding it.")],
    witness: Annotated[
        list[str] | None,
        typer.Option(
            "--witness", help="A witness's public key (text or file) to count; repeat for more."
        ),
    ] = None,
    quorum: Annotated[
        int, typer.Option(min=0, help="Cosignatures needed from the given witnesses.")
    ] = 0,
    json_: JsonOpt = False,
) -> None:
    """Check a receipt offline, with nothing but the verifier key (and the witnesses' keys)."""
    witnesses = [CosignerKey.parse(_key_text(w)) for w in witness or []]
    if quorum > len(witnesses):
        raise fail(f"--quorum {quorum}: only {len(witnesses)} --witness keys given", 2)
    text = read_text(file, RECEIPT_BYTES)  # UTF-8 and bounded, or exit 2 naming the file
    result = check_receipt(text, _key_text(key), witnesses, quorum)
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
                "witnessed_by": list(result.witnessed_by),
            }
        )
        return
    typer.echo(
        f"receipt verifies: entry {result.seq} ({result.kind}) by {result.actor} at "
        f"{utc_text(result.at)}, included in {result.origin} at size {result.tree_size}"
    )
    if witnesses:
        typer.echo(
            f"cosigned by {len(result.witnessed_by)} of {len(witnesses)} witnesses given"
            + (f": {', '.join(result.witnessed_by)}" if result.witnessed_by else "")
        )


@ledger_app.command("witness")
@translating
def ledger_witness(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Ask the policy's witnesses (reached at $HIFAZAT_WITNESS_URLS) to cosign the latest
    checkpoint, and say whether it now has the policy's quorum. The server does this after
    every checkpoint; this is for a cron job or a check by hand."""
    from hifazat.witness.client import post

    s = state(ctx)
    urls = witnessing.parse_urls(os.environ.get("HIFAZAT_WITNESS_URLS", ""))
    found = witnessing.witnesses(s.uow(), urls)
    if not found.keys:
        raise fail("the policy names no witnesses (policy: witnesses: {quorum, keys})", 2)
    asked = witnessing.gather(s.uow(), found.reachable, post, s.clock())
    now = witnessing.standing(s.uow(), found.keys, found.quorum)
    named = list(now.witnesses) if now else []
    answer = {
        "tree_size": now.tree_size if now else 0,
        "asked": [a.as_dict() for a in asked],
        "unaddressed": list(found.unaddressed),
        "witnesses": named,
        "quorum": found.quorum,
        "witnessed": bool(now and now.witnessed),
        "checkpoint": now.note if now else None,
    }
    if json_:
        emit(answer)
    else:
        for a in asked:
            typer.echo(f"{a.witness}: {a.outcome}" + (f" ({a.detail})" if a.detail else ""))
        for name in found.unaddressed:
            typer.echo(f"{name}: no address in HIFAZAT_WITNESS_URLS")
        typer.echo(
            f"checkpoint at size {answer['tree_size']}: cosigned by {len(named)}"
            f" of {len(found.keys)} witnesses, quorum {found.quorum}: "
            + ("witnessed" if answer["witnessed"] else "not witnessed")
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


@ledger_app.command("mirror")
@translating
def ledger_mirror(
    url: Annotated[
        str, typer.Argument(help="The log's prefix, e.g. https://HOST/api/v1/ledger/log")
    ],
    folder: Annotated[Path, typer.Argument(help="The mirror's folder (created when absent).")],
    key: Annotated[
        str | None,
        typer.Option(help="The log's verifier key (text or file); kept in the folder after."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="HIFAZAT_TOKEN",
            help="A bearer token of an oversight role: also fetch and check the entries.",
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Fetch the log's checkpoint and tiles (C2SP tlog-tiles) into FOLDER, check them against
    the checkpoint and the checkpoint mirrored before, and report the first inconsistency."""
    import httpx

    from hifazat.ledger.mirror import update_mirror

    kept = folder / "key"
    if key is None and not kept.exists():
        raise fail("--key: the log's verifier key is needed for a new mirror", 2)
    text = _key_text(key) if key is not None else kept.read_text("utf-8").strip()
    verifier = Verifier.parse(text)
    if kept.exists() and kept.read_text("utf-8").strip() != verifier.text():
        raise fail(f"--key differs from the key this mirror was made with ({kept})", 2)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    prefix = url.rstrip("/")

    def fetch(path: str) -> bytes:
        try:
            answer = httpx.get(f"{prefix}/{path}", headers=headers, timeout=30.0)
        except httpx.HTTPError as error:
            raise OSError(str(error)) from None
        if answer.status_code != 200:
            raise OSError(f"HTTP {answer.status_code}")
        return answer.content

    folder.mkdir(parents=True, exist_ok=True)
    report = update_mirror(folder, verifier, fetch, entries=token is not None)
    if report.ok and not kept.exists():
        kept.write_text(verifier.text() + "\n", "utf-8")
    if json_:
        emit(report.as_dict())
    elif report.ok:
        since = f" (from {report.previous})" if report.previous is not None else ""
        typer.echo(
            f"mirror verifies at size {report.size}{since}: {report.fetched} tiles fetched"
            + (f", {report.entries} entries checked" if token else "")
        )
    if not report.ok:
        raise fail(f"mirror: {report.problems[0]}", 1)
