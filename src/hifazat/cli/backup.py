"""`hifazat db backup` and `hifazat db restore`: the database with its ledger key and latest
checkpoints, and a restore that says how the backup's log stands to every checkpoint it is shown,
then verifies the restored registry. See docs/backup.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hifazat.bootstrap.backups import (
    KEPT_HERE,
    BackupError,
    Restored,
    backup,
    restore,
)
from hifazat.cli.core import JsonOpt, db_app, emit, fail, state, translating
from hifazat.domain.times import local_text
from hifazat.ledger.lineage import Relation, Verdict


@db_app.command("backup")
@translating
def db_backup(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="A new (or empty) folder for the backup.")
    ],
    json_: JsonOpt = False,
) -> None:
    """Back up the database, the ledger key and the latest checkpoints into DIR.

    SQLite's online backup, or pg_dump on PostgreSQL; beside it the key, the latest checkpoint,
    the checkpoint kept beside the key, the log's tiles, and a manifest of every file's SHA-256.
    DIR holds the signing key: keep it as safe as the key."""
    s = state(ctx)
    try:
        manifest = backup(s.engine, s.key_path, folder, s.clock())
    except BackupError as error:
        raise fail(f"backup: {error}", 1) from None
    if json_:
        emit({"folder": str(folder)} | manifest.as_dict())
        return
    log = manifest.ledger
    total = sum(line.length for line in manifest.files.values())
    typer.echo(
        f"backed up the {manifest.backend} database to {folder}: {len(manifest.files) + 1} files,"
        f" {total:,} bytes"
    )
    typer.echo(
        f"ledger: {log.entries} entries, latest checkpoint at size {log.size}"
        + (f" ({log.entries - log.size} entries after it)" if log.entries > log.size else "")
    )
    typer.echo("the folder holds the ledger signing key: keep it where the key is kept")


def _said(v: Verdict) -> str:
    """A verdict as a sentence: what the backup's log is to the checkpoint shown."""
    source, size, ours = v.source, v.size, v.ours
    if v.relation is Relation.CONTAINS:
        return f"contains: {source} (size {size}) is a tree head of this backup's log (size {ours})"
    missing = (
        f"{v.missing} entries are missing since" if v.missing != 1 else "1 entry is missing since"
    )
    if v.relation is Relation.OLDER:
        return (
            f"older: this backup's log (size {ours}) is the first part of {source} (size {size});"
            f" {missing}"
        )
    if v.relation is Relation.OLDER_UNPROVEN:
        return (
            f"older, unproven: {source} (size {size}) is larger than this backup's log (size "
            f"{ours}), and nothing shown proves the log is its first part ({v.problem}); {missing}"
        )
    return (
        f"fork: {source} (size {size}) disagrees with this backup's log (size {ours}): two "
        "different logs signed with one key"
    )


def _say(done: Restored, folder: Path, target: str, zone: str) -> None:
    m = done.manifest
    typer.echo(
        f"backup of {local_text(m.created_at, zone)} ({m.backend}, schema {m.schema_revision}): "
        f"ledger of {m.ledger.entries} entries, checkpoint at size {m.ledger.size}"
    )
    for verdict in done.verdicts:
        typer.echo(_said(verdict))
    if not done.verdicts:
        typer.echo("no checkpoint was shown to compare the backup's log with")
    if not done.restored:
        return
    typer.echo(f"restored {folder} into {target}")
    if done.key_written:
        typer.echo(f"wrote the ledger key to {done.key_written} (mode 600)")
    if done.moved_aside:
        typer.echo(
            f"moved {KEPT_HERE}, which this backup is older than, aside to {done.moved_aside}"
        )
    if done.upgrade_to:
        typer.echo("the backup's schema is older than this version's: run `hifazat db upgrade`")
    report = done.report
    if report is not None and report.ok:
        typer.echo(
            f"ledger verifies: {report.entries} entries, {report.checkpoints} checkpoints"
            + (f", the kept checkpoint at size {done.kept_size}" if done.kept_size else "")
        )


@db_app.command("restore")
@translating
def db_restore(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A folder `db backup` made.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a database that is not empty."),
    ] = False,
    against: Annotated[
        list[Path] | None,
        typer.Option(
            "--against",
            metavar="DIR",
            help="A mirror's folder or a later backup's, whose checkpoint (and tiles) the "
            "backup's log is compared with; repeat for more.",
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Restore a backup into the selected database, its key beside the key path, and verify it.

    Every file is checked against the manifest first, and nothing is written if one differs.
    Says how the backup's log stands to each checkpoint it is shown (it contains it, is older,
    or is a fork, which is refused)."""
    s = state(ctx)
    try:
        done = restore(s.engine, s.key_path, folder, s.clock(), force, against or [])
    except BackupError as error:
        raise fail(f"restore: {error}", 1) from None
    target = s.engine.url.render_as_string(hide_password=True)
    if json_:
        emit(done.as_dict())
    else:
        # the restored registry's zone (its policy came back with it), UTC where it has none
        _say(done, folder, target, s.zone() if done.restored else "UTC")
    if not done.restored:
        fork = next(v for v in done.verdicts if v.relation is Relation.FORK)
        raise fail(f"not restored: {fork.source} is not of this backup's log (a fork)", 1)
    report = done.report
    if report is not None and not report.ok:
        first = report.problems[0]
        more = len(report.problems) - 1
        raise fail(
            f"restored, but the ledger does not verify: {first}"
            + (f" (and {more} more problems)" if more else ""),
            1,
        )
