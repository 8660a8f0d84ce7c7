"""The manifest of a backup folder (`manifest.json`): what was backed up, from which database and
schema, how far its ledger had grown, and each file's length and SHA-256, so a restore refuses a
copy that was altered or cut short before it writes anything, naming the file.

Pure: the folder is read and the files hashed by `store.backup`; this is the model, its JSON,
and the comparison of a file with its line in the manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hifazat.domain.errors import InvalidInput
from hifazat.domain.said import Said
from hifazat.domain.times import parse_instant, utc_text
from hifazat.domain.words import N_

#: the manifest's own name in the folder
MANIFEST = "manifest.json"
#: the layout this version writes and reads; a later layout gets a new number
FORMAT = 1
#: the database's file in the folder, by backend
DATABASE_FILES = {"sqlite": "registry.sqlite", "postgresql": "registry.pgdump"}
KEY_FILE = "ledger.key"
#: the database's latest checkpoint and the log's hash tiles, laid out as a mirror lays them
#: (`hifazat ledger mirror`), so that a backup folder can be shown to a restore as a mirror is
CHECKPOINT_FILE = "checkpoint"
TILES = "tile"
#: the checkpoint kept beside the key (`ledger.pin`) when the backup was made
KEPT_FILE = "kept.checkpoint"


@dataclass(frozen=True)
class FileLine:
    """One file of the backup as the manifest lists it."""

    length: int
    sha256: str


@dataclass(frozen=True)
class Ledger:
    """The log as it is in the backed-up database: its newest signed checkpoint (size and root)
    and the entries it holds, which may run past that checkpoint."""

    origin: str
    size: int
    root: bytes
    entries: int
    verifier_key: str


@dataclass(frozen=True)
class Manifest:
    created_at: datetime
    backend: str
    schema_revision: str | None
    ledger: Ledger
    files: dict[str, FileLine] = field(default_factory=dict)

    @property
    def database_file(self) -> str:
        return DATABASE_FILES[self.backend]

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "created_at": utc_text(self.created_at),
            "backend": self.backend,
            "schema_revision": self.schema_revision,
            "ledger": {
                "origin": self.ledger.origin,
                "size": self.ledger.size,
                "root": self.ledger.root.hex(),
                "entries": self.ledger.entries,
                "verifier_key": self.ledger.verifier_key,
            },
            "files": {
                name: {"bytes": line.length, "sha256": line.sha256}
                for name, line in sorted(self.files.items())
            },
        }

    def text(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"


def _bad(what: str) -> InvalidInput:
    return InvalidInput(MANIFEST, Said(N_("is not a backup manifest: {what}"), what=what))


def _get(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str = "") -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _bad(f"{where}{key} is missing or not a {getattr(kind, '__name__', 'value')}")
    return value


def parse_manifest(text: str) -> Manifest:
    """The manifest, or InvalidInput naming manifest.json and what is wrong with it."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise _bad(f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise _bad("not a JSON object")
    if data.get("format") != FORMAT:
        raise InvalidInput(
            MANIFEST,
            Said(
                N_("format {found} is not the backup format {known} this version reads"),
                found=data.get("format"),
                known=FORMAT,
            ),
        )
    backend = _get(data, "backend", str)
    if backend not in DATABASE_FILES:
        raise _bad(f"backend {backend!r} is neither sqlite nor postgresql")
    created = parse_instant(_get(data, "created_at", str), f"{MANIFEST}: created_at")
    revision = data.get("schema_revision")
    if revision is not None and not isinstance(revision, str):
        raise _bad("schema_revision is not text")
    log = _get(data, "ledger", dict)
    try:
        root = bytes.fromhex(_get(log, "root", str, "ledger."))
    except ValueError:
        raise _bad("ledger.root is not hexadecimal") from None
    ledger = Ledger(
        _get(log, "origin", str, "ledger."),
        _get(log, "size", int, "ledger."),
        root,
        _get(log, "entries", int, "ledger."),
        _get(log, "verifier_key", str, "ledger."),
    )
    files = {}
    for name, line in _get(data, "files", dict).items():
        if not isinstance(line, dict):
            raise _bad(f"files.{name} is not an object")
        digest = _get(line, "sha256", str, f"files.{name}.")
        files[name] = FileLine(_get(line, "bytes", int, f"files.{name}."), digest.lower())
    return Manifest(created, backend, revision, ledger, files)


def check_line(name: str, expected: FileLine | None, length: int | None, sha256: str) -> None:
    """InvalidInput naming the file unless it is there, as long and with the digest the
    manifest lists (`length` None: the file is absent)."""
    if expected is None:
        raise InvalidInput(name, Said(N_("the manifest does not list this file")))
    if length is None:
        raise InvalidInput(name, Said(N_("missing from the backup")))
    if length != expected.length:
        raise InvalidInput(
            name,
            Said(
                N_("{length} bytes where the manifest lists {expected}: truncated or altered"),
                length=length,
                expected=expected.length,
            ),
        )
    if sha256 != expected.sha256:
        raise InvalidInput(name, Said(N_("its SHA-256 differs from the manifest's: altered")))
