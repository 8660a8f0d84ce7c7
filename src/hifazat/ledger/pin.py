"""The latest signed checkpoint, kept beside the signing key as well as in the database.

Whoever can write the database can delete its checkpoints, or put back an older copy of the
whole log; the checkpoint kept in this file (owner-only, replaced atomically) still says how far
the log had grown and what its root was then, and `ledger verify` fails when the database no
longer holds that checkpoint."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hifazat.ledger.note import NoteError, peek_checkpoint

SUFFIX = ".checkpoint"


class PinError(ValueError):
    """The kept checkpoint cannot be read or written."""


def pin_path(key_path: Path) -> Path:
    """`<key file>.checkpoint`, beside the key."""
    return key_path.with_name(key_path.name + SUFFIX)


def read_pin(path: Path) -> str | None:
    """The kept checkpoint's signed note, or None where none was ever kept."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise PinError(f"cannot read the kept checkpoint {path}: {error.strerror}") from None


def _kept_size(path: Path) -> int | None:
    note = read_pin(path)
    if note is None:
        return None
    try:
        return peek_checkpoint(note).size
    except NoteError:
        return None  # unreadable: replaced by the next good one (verification names it)


def write_pin(path: Path, note: str) -> bool:
    """Keeps `note` unless the file already holds a checkpoint at least as large; written to a
    temporary file (mode 0600) and renamed over the old one, so a reader never sees half."""
    size = peek_checkpoint(note).size
    kept = _kept_size(path)
    if kept is not None and kept >= size:
        return False
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(note)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise PinError(f"cannot keep the checkpoint in {path}: {error.strerror}") from None
    return True
