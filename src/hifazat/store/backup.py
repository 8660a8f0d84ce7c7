"""`hifazat db backup` and `hifazat db restore`: the database copied whole with its own engine's
tools, with the ledger key, the latest checkpoint, the checkpoint kept beside the key and the
log's hash tiles beside it, and a manifest of every file's length and SHA-256.

A backup is one consistent moment: SQLite's online backup copies the file in one step, and the
ledger's state is then read from the copy; on PostgreSQL one repeatable-read transaction exports
its snapshot, `pg_dump` dumps that snapshot and the ledger's state is read in it. The manifest
is written last, into a folder that is renamed into place only once it is whole.

A restore checks the manifest and every file's digest, the key, the checkpoints' signatures and
the tiles before it writes anything; compares each checkpoint it is shown (the one kept beside
the target's key, the one kept when the backup was made, a mirror's or another backup's) with
the backup's log (`ledger.lineage`), and refuses a fork; replaces the database, puts the key
beside the target's key path, and verifies the restored registry. See docs/backup.md."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, inspect, literal, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from hifazat.domain.errors import Conflict, InvalidInput
from hifazat.domain.said import Said
from hifazat.domain.words import N_
from hifazat.ledger.keys import load_signer
from hifazat.ledger.lineage import Relation, Shown, Verdict, compare
from hifazat.ledger.merkle import root as tree_root
from hifazat.ledger.note import Checkpoint, NoteError, Signer, Verifier, open_checkpoint
from hifazat.ledger.pin import PinError, pin_path, read_pin, write_pin
from hifazat.ledger.report import Problem, Report
from hifazat.ledger.tiles import (
    Tile,
    TileError,
    check_against,
    parse_tile_path,
    root_from_tiles,
    tile_bytes,
    tiles_for,
)
from hifazat.store import ledger_store
from hifazat.store import tables as t
from hifazat.store.backup_manifest import (
    CHECKPOINT_FILE,
    DATABASE_FILES,
    KEPT_FILE,
    KEY_FILE,
    MANIFEST,
    TILES,
    FileLine,
    Ledger,
    Manifest,
    check_line,
    parse_manifest,
)
from hifazat.store.engine import is_postgres
from hifazat.store.ledger_check import verify_beside_key
from hifazat.store.migrate import alembic_config
from hifazat.store.records.registry import forget_shared

__all__ = [
    "KEPT_HERE",
    "KEPT_THEN",
    "REPLACED",
    "BackupError",
    "Restored",
    "backup",
    "pg_tool",
    "restore",
]

#: how the verdicts name the checkpoints a restore is shown
KEPT_HERE = "the checkpoint kept beside the key"
KEPT_THEN = "the checkpoint kept beside the key when the backup was made"
REPLACED = "the latest checkpoint of the database the restore replaces"
#: where the PostgreSQL client programs are looked for when they are not on PATH
PG_BIN = Path("/usr/lib/postgresql")
#: bytes read at a time when hashing a file
CHUNK = 1 << 20


class BackupError(Exception):
    """The backup or the restore could not be carried out: a program missing or failing, a
    database or folder that cannot be read or written. It says nothing against the backup."""


# --- files ---------------------------------------------------------------------------------------


def _digest(path: Path) -> FileLine:
    sha = hashlib.sha256()
    length = 0
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            sha.update(block)
            length += len(block)
    return FileLine(length, sha.hexdigest())


def _private(path: Path, data: bytes) -> None:
    """A new file, owner-only (mode 0600), flushed to disk; a folder it needs is made 0700."""
    for folder in reversed(path.parents):
        if not folder.exists():
            folder.mkdir(mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _files(folder: Path) -> dict[str, Path]:
    """Every file under `folder` by its path relative to it (`/`-separated); a link is refused,
    so that a backup cannot point a restore at a file outside it."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            raise InvalidInput(name, Said(N_("is a symbolic link, not a file of the backup")))
        if path.is_file():
            found[name] = path
    return found


# --- the databases -------------------------------------------------------------------------------


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or engine.url.query.get("uri") in ("true", "1"):
        raise BackupError(f"{engine.url}: only an SQLite database in a named file is backed up")
    return Path(database).expanduser()


def _read_only_copy(path: Path) -> Engine:
    """An engine on an SQLite file that never writes it (no journal mode changed, no WAL)."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool
    )


def pg_tool(name: str) -> Path | None:
    """`pg_dump` or `pg_restore`: on PATH, else in the newest /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return Path(found)
    versions = []
    if PG_BIN.is_dir():
        for folder in PG_BIN.iterdir():
            if folder.name.isdigit() and (folder / "bin" / name).is_file():
                versions.append((int(folder.name), folder / "bin" / name))
    return max(versions)[1] if versions else None


def _needed_tool(name: str) -> Path:
    tool = pg_tool(name)
    if tool is None:
        raise BackupError(
            f"{name} is on neither PATH nor {PG_BIN}/*/bin: install the PostgreSQL client "
            "programs (Debian: postgresql-client) of the server's version or newer"
        )
    return tool


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq connection URL of an SQLAlchemy URL, without its password, and the environment
    that carries the password (PGPASSWORD), so that it is never on a command line or in a log."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    )  # (`url.set(password=None)` would keep the password)
    return plain.render_as_string(hide_password=False), env


def _run(args: Sequence[str], env: Mapping[str, str]) -> None:
    try:
        # a PostgreSQL program found above, its arguments built here: no shell, no user's text
        done = subprocess.run(  # noqa: S603
            list(args), env=dict(env), capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise BackupError(f"{Path(args[0]).name}: {error.strerror}") from None
    if done.returncode != 0:
        said = " ".join(done.stderr.strip().splitlines()[-3:]) or "no message"
        raise BackupError(f"{Path(args[0]).name} failed (exit {done.returncode}): {said}")


@dataclass(frozen=True)
class _Log:
    """The ledger as the backed-up database holds it."""

    revision: str | None
    entries: int
    checkpoint: str | None
    tiles: dict[Tile, bytes]


def _log_state(c: Connection) -> _Log:
    entries = ledger_store.tree_size(c)
    latest = ledger_store.latest_checkpoint(c)
    reader = ledger_store.DbNodes(c)
    tiles = {tile: tile_bytes(tile, reader) for tile in tiles_for(entries)}
    revision = MigrationContext.configure(c).get_current_revision()
    return _Log(revision, entries, latest.note if latest is not None else None, tiles)


def _copy_sqlite(engine: Engine, target: Path) -> _Log:
    """SQLite's online backup API, in one step (one read snapshot of the source, which writers
    need not wait for in WAL mode); the copy is left in rollback-journal mode, one file."""
    source = _sqlite_file(engine)
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    _private(target, b"")
    try:
        _online_backup(str(source), target, one_file=True)
    except sqlite3.Error as error:
        raise BackupError(f"the online backup of {source} failed: {error}") from None
    copy = _read_only_copy(target)
    try:
        with copy.connect() as c:
            return _log_state(c)
    finally:
        copy.dispose()


def _online_backup(source: str, target: Path, one_file: bool = False) -> None:
    """SQLite's online backup of `source` (a path, or a `file:` URI) onto `target`, one step;
    `one_file` leaves the copy in rollback-journal mode (no -wal beside it)."""
    src = sqlite3.connect(source, timeout=30, uri=source.startswith("file:"))
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
            if one_file:
                dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _dump_postgres(engine: Engine, target: Path) -> _Log:
    """`pg_dump -Fc` of the snapshot a repeatable-read transaction exports, in which the ledger's
    state is read too, so both are the same moment."""
    tool = _needed_tool("pg_dump")
    conninfo, env = _libpq(engine.url)
    with engine.connect() as c:
        c.execution_options(isolation_level="REPEATABLE READ")
        with c.begin():
            snapshot = c.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            log = _log_state(c)
            _run(
                [str(tool), "--format=custom", f"--snapshot={snapshot}", "--no-password",
                 f"--file={target}", f"--dbname={conninfo}"],
                env,
            )  # fmt: skip
    target.chmod(0o600)
    return log


def _is_empty(engine: Engine) -> bool:
    """No row in any of the registry's tables (the ledger head the schema starts with aside):
    a new database, or one `hifazat db upgrade` has only given its schema."""
    if not is_postgres(engine):
        path = _sqlite_file(engine)
        if not path.exists() or path.stat().st_size == 0:
            return True
    with engine.connect() as c:
        present = set(inspect(c).get_table_names())
        tables = [
            table
            for table in t.metadata.sorted_tables
            if table.name in present and table.name != t.ledger_head.name
        ]
        return all(
            c.execute(select(literal(1)).select_from(table).limit(1)).first() is None
            for table in tables
        )


def _replace_database(engine: Engine, backend: str, file: Path) -> None:
    engine.dispose()  # no pooled connection holds the old database (or a lock on it)
    if backend == "sqlite":
        target = _sqlite_file(engine)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            _online_backup(f"file:{quote(str(file.resolve()))}?mode=ro", target)
        except sqlite3.Error as error:
            raise BackupError(f"restoring into {target} failed: {error}") from None
    else:
        tool = _needed_tool("pg_restore")
        conninfo, env = _libpq(engine.url)
        # one transaction: a restore that fails leaves the database as it was
        _run(
            [str(tool), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "--no-password", f"--dbname={conninfo}", str(file)],
            env,
        )  # fmt: skip
    engine.dispose()
    forget_shared(engine)  # what this process had cached of the old database


# --- backing up ----------------------------------------------------------------------------------


def backup(engine: Engine, key_path: Path, folder: Path, now: datetime) -> Manifest:
    """Backs the database, its ledger key and checkpoints up into `folder`, which must be new or
    empty; returns the manifest written there."""
    signer = load_signer(key_path)
    try:
        kept = read_pin(pin_path(key_path))
    except PinError as error:
        raise BackupError(str(error)) from None
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise Conflict(
            Said(N_("{folder} is not an empty folder: a backup goes into a new one"), folder=folder)
        )
    backend = "postgresql" if is_postgres(engine) else "sqlite"
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".partial"))
    try:
        database = work / DATABASE_FILES[backend]
        log = (
            _dump_postgres(engine, database)
            if backend == "postgresql"
            else _copy_sqlite(engine, database)
        )
        manifest = _write_beside(work, signer, key_path.read_bytes(), kept, log, backend, now)
        if folder.exists():
            folder.rmdir()
        os.replace(work, folder)
        _sync(folder.parent)  # the rename itself survives a crash
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _write_beside(
    work: Path,
    signer: Signer,
    key: bytes,
    kept: str | None,
    log: _Log,
    backend: str,
    now: datetime,
) -> Manifest:
    verifier = signer.verifier()
    origin, size, root = verifier.name, 0, root_from_tiles(0, {})
    if log.checkpoint is not None:
        try:
            cp = open_checkpoint(log.checkpoint, verifier)
        except NoteError as error:
            raise BackupError(
                f"the database's latest checkpoint does not verify with the ledger key: {error}"
            ) from None
        origin, size, root = cp.origin, cp.size, cp.root_hash
        _private(work / CHECKPOINT_FILE, log.checkpoint.encode("utf-8"))
    _private(work / KEY_FILE, key)
    if kept is not None:
        try:
            open_checkpoint(kept, verifier)
        except NoteError as error:
            raise BackupError(
                f"the checkpoint kept beside the key does not verify with the key: {error}"
            ) from None
        _private(work / KEPT_FILE, kept.encode("utf-8"))
    for tile, data in log.tiles.items():
        _private(work / tile.path, data)
    files = {name: _digest(path) for name, path in _files(work).items() if name != MANIFEST}
    manifest = Manifest(
        now, backend, log.revision, Ledger(origin, size, root, log.entries, verifier.text()), files
    )
    _private(work / MANIFEST, manifest.text().encode("utf-8"))
    return manifest


# --- restoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """A backup folder whose every file was checked against its manifest, and whose key,
    checkpoints and tiles agree with each other."""

    folder: Path
    manifest: Manifest
    key: bytes
    signer: Signer
    checkpoint: str | None
    kept: str | None
    kept_checkpoint: Checkpoint | None
    tiles: dict[Tile, bytes]

    @property
    def entries(self) -> int:
        return self.manifest.ledger.entries

    def root_at(self, size: int) -> bytes:
        """The backup's log's root at any size up to its length, from its tiles."""
        return root_from_tiles(size, self.tiles)


def _signed(name: str, note: str, verifier: Verifier) -> Checkpoint:
    try:
        return open_checkpoint(note, verifier)
    except NoteError as error:
        raise InvalidInput(
            name, Said(N_("does not verify with the backup's ledger key: {error}"), error=error)
        ) from None


def _text(name: str, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(name, Said(N_("is not UTF-8 text"))) from None


def open_backup(folder: Path) -> Opened:
    """The backup in `folder`, or InvalidInput naming the first file that is missing, altered,
    cut short or at odds with the rest; reads and writes nothing else."""
    if not folder.is_dir():
        raise InvalidInput(str(folder), Said(N_("is not a folder")))
    present = _files(folder)
    if MANIFEST not in present:
        raise InvalidInput(MANIFEST, Said(N_("missing from the backup")))
    manifest = parse_manifest(_text(MANIFEST, present.pop(MANIFEST)))
    for name, line in sorted(manifest.files.items()):
        if name not in present:
            check_line(name, line, None, "")
    for name, path in present.items():
        found = _digest(path)
        check_line(name, manifest.files.get(name), found.length, found.sha256)
    log = manifest.ledger
    if log.size > log.entries:
        raise InvalidInput(MANIFEST, Said(N_("its checkpoint covers more entries than its log")))
    expected_tiles = {tile.path: tile for tile in tiles_for(log.entries)}
    for name in (manifest.database_file, KEY_FILE, *expected_tiles):
        if name not in present:
            raise InvalidInput(name, Said(N_("missing from the backup")))
    known = {manifest.database_file, KEY_FILE, CHECKPOINT_FILE, KEPT_FILE, *expected_tiles}
    for name in present:
        if name not in known:
            raise InvalidInput(name, Said(N_("is no file of a backup of this log")))
    key = present[KEY_FILE].read_bytes()
    try:
        signer = Signer.parse(key.decode("utf-8"))
    except ValueError:
        raise InvalidInput(KEY_FILE, Said(N_("is not a ledger signing key"))) from None
    verifier = signer.verifier()
    if verifier.text() != log.verifier_key:
        raise InvalidInput(
            KEY_FILE, Said(N_("is not the key the manifest names ({key})"), key=log.verifier_key)
        )
    tiles = {tile: present[name].read_bytes() for name, tile in expected_tiles.items()}
    try:
        root_from_tiles(log.entries, tiles)  # every full tile against the level above
    except TileError as error:
        raise InvalidInput(TILES, Said(N_("do not make a tree: {error}"), error=error)) from None
    checkpoint = None
    if CHECKPOINT_FILE in present:
        checkpoint = _text(CHECKPOINT_FILE, present[CHECKPOINT_FILE])
        cp = _signed(CHECKPOINT_FILE, checkpoint, verifier)
        if (cp.origin, cp.size, cp.root_hash) != (log.origin, log.size, log.root):
            raise InvalidInput(
                CHECKPOINT_FILE, Said(N_("is not the checkpoint the manifest names"))
            )
        try:
            check_against(cp.size, cp.root_hash, tiles)
        except TileError as error:
            raise InvalidInput(
                TILES, Said(N_("do not make the checkpoint's root: {error}"), error=error)
            ) from None
    elif log.size:
        raise InvalidInput(CHECKPOINT_FILE, Said(N_("missing from the backup")))
    kept, kept_cp = None, None
    if KEPT_FILE in present:
        kept = _text(KEPT_FILE, present[KEPT_FILE])
        kept_cp = _signed(KEPT_FILE, kept, verifier)
    return Opened(folder, manifest, key, signer, checkpoint, kept, kept_cp, tiles)


def _folder_tiles(folder: Path) -> dict[Tile, bytes] | None:
    """The hash tiles a mirror or a backup keeps under `tile/`; None where it keeps none."""
    found = {}
    for name, path in _files(folder).items():
        if name.startswith(f"{TILES}/") and not name.startswith(f"{TILES}/entries/"):
            try:
                found[parse_tile_path(name)] = path.read_bytes()
            except TileError:
                continue
    return found or None


def _shown_folder(folder: Path, verifier: Verifier) -> Shown:
    """A mirror's folder or another backup's: its checkpoint, and its tiles."""
    name = str(folder / CHECKPOINT_FILE)
    path = folder / CHECKPOINT_FILE
    if not path.is_file():
        raise InvalidInput(name, Said(N_("missing: a mirror or a backup keeps its checkpoint")))
    cp = _signed(name, _text(name, path), verifier)
    return Shown(f"the checkpoint in {folder}", cp, _folder_tiles(folder))


def _target_tiles(engine: Engine, size: int) -> dict[Tile, bytes] | None:
    """The tiles of the first `size` entries of the database about to be replaced, where it
    holds them: what proves that a backup's log is the first part of the checkpoint kept beside
    the key (`compare` checks them against that checkpoint's root, so a database that was
    tampered with cannot make a fork look older)."""
    try:
        with engine.connect() as c:
            if ledger_store.tree_size(c) < size:
                return None
            reader = ledger_store.DbNodes(c)
            return {tile: tile_bytes(tile, reader) for tile in tiles_for(size)}
    except (SQLAlchemyError, TileError):
        return None


def _replaced_checkpoint(engine: Engine, verifier: Verifier) -> Checkpoint | None:
    """The latest checkpoint of the database about to be replaced, where it has one signed with
    the backup's key (one that is not is of another log, and says nothing of this one)."""
    try:
        with engine.connect() as c:
            latest = ledger_store.latest_checkpoint(c)
    except SQLAlchemyError:
        return None
    if latest is None:
        return None
    try:
        return open_checkpoint(latest.note, verifier)
    except NoteError:
        return None


def _lend_tiles(shown: list[Shown]) -> list[Shown]:
    """A checkpoint shown without tiles borrows those of another shown tree at least as large:
    a tree's tiles hold every smaller tree of the same log, and `compare` checks them against
    the borrower's own root, so tiles of another log prove nothing and are named."""
    out = []
    for s in shown:
        if s.tiles is None:
            size = s.checkpoint.size
            lender = next((o for o in shown if o.tiles and o.checkpoint.size >= size), None)
            if lender is not None:
                s = Shown(s.source, s.checkpoint, lender.tiles)
        out.append(s)
    return out


def _check_revision(manifest: Manifest) -> None:
    """A backup made by a later version, at a schema this one has no migration for, is refused:
    this version could neither read nor upgrade it."""
    revision = manifest.schema_revision
    if revision is None:
        return
    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise InvalidInput(
            MANIFEST,
            Said(
                N_("schema revision {revision} is unknown to this version: restore it with the "
                   "version that made it"),
                revision=revision,
            ),
        )  # fmt: skip


@dataclass
class Restored:
    """What a restore found and did."""

    manifest: Manifest
    verdicts: list[Verdict]
    #: False: a shown checkpoint is a fork, and nothing was written
    restored: bool = False
    key_written: Path | None = None
    #: where the kept checkpoint the backup's log is older than was moved
    moved_aside: Path | None = None
    #: the kept checkpoint beside the key after the restore
    kept_size: int | None = None
    report: Report | None = None
    #: the schema this version would migrate the restored database to, when it differs
    upgrade_to: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.restored and self.report is not None and self.report.ok

    def as_dict(self) -> dict[str, Any]:
        log = self.manifest.as_dict()
        log.pop("files")
        return {
            "ok": self.ok,
            "restored": self.restored,
            "backup": log,
            "shown": [v.as_dict() for v in self.verdicts],
            "key_written": str(self.key_written) if self.key_written else None,
            "moved_aside": str(self.moved_aside) if self.moved_aside else None,
            "kept_checkpoint_size": self.kept_size,
            "schema_upgrade_needed": self.upgrade_to,
            "verify": self.report.as_dict() if self.report is not None else None,
        }


def restore(
    engine: Engine,
    key_path: Path,
    folder: Path,
    now: datetime,
    force: bool = False,
    against: Sequence[Path] = (),
) -> Restored:
    """Restores the backup in `folder` into the database of `engine`, its key to `key_path`.

    Nothing is written unless the backup checks whole, it is of this backend and a known
    schema, any key already at `key_path` is the backup's, the database is empty (or `force`),
    and no checkpoint shown is a fork of the backup's log."""
    opened = open_backup(folder)
    manifest = opened.manifest
    backend = "postgresql" if is_postgres(engine) else "sqlite"
    if manifest.backend != backend:
        raise InvalidInput(
            MANIFEST,
            Said(
                N_("a backup of a {backup} database cannot be restored into a {target} one"),
                backup=manifest.backend,
                target=backend,
            ),
        )
    _check_revision(manifest)
    verifier = opened.signer.verifier()
    if key_path.exists():
        here = load_signer(key_path).verifier()
        if here.text() != verifier.text():
            raise Conflict(
                Said(
                    N_("the ledger key at {path} is not this backup's: it signs another log; "
                       "move it aside to restore this backup"),
                    path=key_path,
                )
            )  # fmt: skip
    empty = _is_empty(engine)
    if not empty and not force:
        raise Conflict(
            Said(N_("the database is not empty: restoring would replace it (--force replaces it)"))
        )
    pin = pin_path(key_path)
    try:
        kept_here = read_pin(pin)
    except PinError as error:
        raise BackupError(str(error)) from None
    shown: list[Shown] = []
    here_cp = None
    if kept_here is not None:
        here_cp = _signed(str(pin), kept_here, verifier)
        tiles = None
        if here_cp.size > opened.entries and not empty:
            tiles = _target_tiles(engine, here_cp.size)
        shown.append(Shown(KEPT_HERE, here_cp, tiles))
    replaced = None if empty else _replaced_checkpoint(engine, verifier)
    if replaced is not None and (here_cp is None or _head(replaced) != _head(here_cp)):
        tiles = _target_tiles(engine, replaced.size) if replaced.size > opened.entries else None
        shown.append(Shown(REPLACED, replaced, tiles))
    if opened.kept_checkpoint is not None:
        shown.append(Shown(KEPT_THEN, opened.kept_checkpoint))
    shown += [_shown_folder(other, verifier) for other in against]
    verdicts = [compare(s, opened.entries, opened.root_at) for s in _lend_tiles(shown)]
    result = Restored(manifest, verdicts)
    if any(v.relation is Relation.FORK for v in verdicts):
        return result  # nothing written

    _replace_database(engine, backend, folder / manifest.database_file)
    result.restored = True
    if not key_path.exists():
        _private(key_path, opened.key)
        result.key_written = key_path
    if here_cp is not None and here_cp.size > opened.entries:
        result.moved_aside = _move_aside(pin, now)
    try:
        for note in (opened.kept, opened.checkpoint):
            if note is not None and _size(note, verifier) <= opened.entries:
                write_pin(pin, note)  # only ever a larger one
        kept_now = read_pin(pin)
    except PinError as error:
        raise BackupError(str(error)) from None
    result.kept_size = _size(kept_now, verifier) if kept_now is not None else None
    result.report = verify_beside_key(engine, verifier, key_path)
    result.report.problems += _against_tiles(engine, opened)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if manifest.schema_revision != head:
        result.upgrade_to = head
    return result


def _head(cp: Checkpoint) -> tuple[int, bytes]:
    return cp.size, cp.root_hash


def _size(note: str, verifier: Verifier) -> int:
    return open_checkpoint(note, verifier).size


def _move_aside(pin: Path, now: datetime) -> Path:
    """The kept checkpoint renamed, not deleted: it is the record of how far the log had grown
    before the restore, which whoever holds the key may need to show."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = pin.with_name(f"{pin.name}.before-restore-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = pin.with_name(f"{pin.name}.before-restore-{stamp}-{n}")
    os.replace(pin, aside)
    return aside


def _against_tiles(engine: Engine, opened: Opened) -> list[Problem]:
    """The restored log is the one the backup's tiles describe (the tiles are what the shown
    checkpoints were compared with)."""
    with engine.connect() as c:
        size = ledger_store.tree_size(c)
        here = tree_root(size, ledger_store.DbNodes(c)) if size else opened.root_at(0)
    if size != opened.entries:
        why = f"holds {size} entries where the backup's manifest lists {opened.entries}"
    elif here != opened.root_at(size):
        why = "its tree's root differs from the root of the backup's tiles"
    else:
        return []
    return [Problem(None, "backup", "restored log", why)]
