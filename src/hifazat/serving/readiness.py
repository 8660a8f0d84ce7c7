"""Readiness: can this server do its work now? A real round trip to the database that also asks
whether it takes writes, and the ledger key present, owner-only and parsing. Liveness
(/api/v1/health) says only that the process answers.

The answers name no path, no SQL and no driver text: the endpoint is public. The log has the
cause."""

from __future__ import annotations

import logging
import stat
from dataclasses import dataclass
from pathlib import Path

from hifazat.ledger.keys import KeyFileError, load_signer

log = logging.getLogger("hifazat.api")


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "detail": self.detail}


def key_check(path: Path) -> Check:
    try:
        load_signer(path)
    except KeyFileError as error:
        log.warning("not ready: %s", error)
        return Check(False, _key_problem(path))
    return Check(True, "present, owner-only, and a signer key")


def _key_problem(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "the ledger key is missing or unreadable: create it with `hifazat db upgrade`"
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return "the ledger key is open to other users: chmod 600 it"
    return "the ledger key is unreadable or not a signer key"
