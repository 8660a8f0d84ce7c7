"""`hifazat witness`: a C2SP tlog-witness for someone other than the operator to run. It needs
no registry database: its state is a SQLite file of its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hifazat.cli.core import JsonOpt, emit, fail, translating, witness_app
from hifazat.ledger.keys import create_witness_key, load_witness_key
from hifazat.ledger.note import NoteError, Verifier

StateOpt = Annotated[
    Path, typer.Option("--state", help="The witness's own SQLite file (created when absent).")
]


def _logs(specs: list[str]) -> dict[str, list[Verifier]]:
    """`ORIGIN=VERIFIER-KEY`, or a verifier key alone (its name is the origin)."""
    logs: dict[str, list[Verifier]] = {}
    for spec in specs:
        origin, eq, key = spec.partition("=")
        if not eq or "+" in origin:  # a verifier key alone (its base64 may end in '=')
            origin, key = "", spec
        try:
            verifier = Verifier.parse(key)
        except NoteError as error:
            raise fail(f"--log {spec!r}: {error}", 2) from None
        logs.setdefault(origin or verifier.name, []).append(verifier)
    if not logs:
        raise fail("--log: name at least one log to witness (ORIGIN=VERIFIER-KEY)", 2)
    return logs


@witness_app.command("keygen")
@translating
def witness_keygen(
    name: Annotated[str, typer.Argument(help="The witness's name, e.g. witness.court.example/1.")],
    key: Annotated[Path, typer.Option("--key", help="Where to write the signing key (0600).")],
) -> None:
    """Make a witness key; prints the public key that logs and receipt holders configure."""
    try:
        cosigner = create_witness_key(key, name)
    except NoteError as error:
        raise fail(str(error), 2) from None
    typer.echo(cosigner.public().text())


@witness_app.command("public-key")
@translating
def witness_public_key(
    key: Annotated[Path, typer.Option("--key", help="The witness's signing key file.")],
) -> None:
    """The witness's public key (C2SP vkey, cosignature/v1)."""
    typer.echo(load_witness_key(key).public().text())


@witness_app.command("serve")
@translating
def witness_serve(
    key: Annotated[Path, typer.Option("--key", help="The witness's signing key file.")],
    log: Annotated[
        list[str],
        typer.Option("--log", help="ORIGIN=VERIFIER-KEY of a log to witness; repeat for more."),
    ],
    state_file: StateOpt = Path("witness.db"),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8400,
) -> None:
    """Serve POST /add-checkpoint (C2SP tlog-witness) until stopped."""
    import uvicorn

    from hifazat.witness.app import create_witness_app
    from hifazat.witness.state import open_state

    cosigner = load_witness_key(key)
    logs = _logs(log)
    app = create_witness_app(open_state(state_file), cosigner, logs)
    typer.echo(
        f"witness {cosigner.public().text()} for {', '.join(sorted(logs))} on {host}:{port}",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


@witness_app.command("evidence")
@translating
def witness_evidence(state_file: StateOpt = Path("witness.db"), json_: JsonOpt = False) -> None:
    """Every request that contradicted a checkpoint this witness had cosigned: the cosigned
    checkpoint and the one offered, with its old size and proof — a split view, shown."""
    from hifazat.witness.state import all_evidence, open_state

    if not state_file.exists():
        raise fail(f"{state_file}: no witness state here", 2)
    found = all_evidence(open_state(state_file))
    if json_:
        emit([e.as_dict() for e in found])
        return
    if not found:
        typer.echo("no evidence: every checkpoint offered was consistent with the last cosigned")
        return
    for e in found:
        typer.echo(json.dumps(e.as_dict(), indent=2, ensure_ascii=False))
