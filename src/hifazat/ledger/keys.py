"""The ledger's signing key: a signed-note key file kept outside the database, owner-only.

Whoever can edit the database must not also be able to re-sign its history, so the key lives in a
file the application reads, with permissions that keep other local users out."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

from hifazat.ledger.cosignature import Cosigner
from hifazat.ledger.note import Signer
from hifazat.ledger.pin import pin_path

DEFAULT_NAME = "hifazat.local/ledger"


class KeyFileError(ValueError):
    """The key file is missing, unreadable, malformed or readable by others."""


def create_key(path: Path, name: str = DEFAULT_NAME) -> Signer:
    """Writes a new key to `path` (which must not exist) with mode 0600."""
    signer = Signer.generate(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(signer.text() + "\n")
    return replace(signer, pin=pin_path(path))


def ensure_key(path: Path, name: str = DEFAULT_NAME) -> tuple[Signer, bool]:
    """The key at `path`, created when absent; says whether it was created."""
    if path.exists():
        return load_signer(path), False
    return create_key(path, name), True


def _private_text(path: Path, what: str) -> str:
    """A key file's text, refused when unreadable or open to other local users."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KeyFileError(f"cannot read the {what} {path}: {error.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"the {what} {path} is open to other users; chmod 600 it")
    return text


def load_signer(path: Path) -> Signer:
    text = _private_text(path, "ledger key")
    try:
        return replace(Signer.parse(text), pin=pin_path(path))
    except ValueError as error:
        raise KeyFileError(f"the ledger key {path} is not a signer key: {error}") from None


def create_witness_key(path: Path, name: str) -> Cosigner:
    """A new witness signing key at `path` (which must not exist), mode 0600."""
    cosigner = Cosigner.generate(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(f"{path} exists; a witness key is never overwritten") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(cosigner.text() + "\n")
    return cosigner


def load_witness_key(path: Path) -> Cosigner:
    text = _private_text(path, "witness key")
    try:
        return Cosigner.parse(text)
    except ValueError as error:
        raise KeyFileError(f"the witness key {path} is not a witness key: {error}") from None
