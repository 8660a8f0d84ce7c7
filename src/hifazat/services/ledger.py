"""Checkpoints, receipts and the record of decisions taking effect."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hifazat.domain.errors import InvalidInput, NotFound
from hifazat.ledger.cosignature import add_signature_lines
from hifazat.ledger.merkle import inclusion_proof, root
from hifazat.ledger.note import Checkpoint, Signer, peek_checkpoint, sign_checkpoint
from hifazat.ledger.pin import PinError, write_pin
from hifazat.ledger.receipt import make_receipt
from hifazat.ledger.tiles import TILE_WIDTH, Tile, tile_bytes
from hifazat.services.unit_of_work import UnitOfWork

log = logging.getLogger("hifazat.ledger")


@dataclass(frozen=True)
class Made:
    size: int
    root: bytes
    note: str
    new: bool


def record_due_effects(uow: UnitOfWork, now: datetime) -> int:
    """Enters each decision whose effective time has passed; time passing writes nothing else."""
    done = uow.ledger.entered("decision.effective")
    due = sorted(
        (at, key)
        for key, at in uow.ledger.effective_times().items()
        if at <= now and key not in done
    )
    for _, key in due:
        uow.record("decision.effective", key)
    return len(due)


def checkpoint_in(uow: UnitOfWork, signer: Signer, now: datetime) -> Made:
    """A signed tree head over everything entered so far (the latest one, if nothing is new)."""
    record_due_effects(uow, now)
    if uow.events:
        uow.ledger.append(uow.events)
        uow.events.clear()
    uow.ledger.enter_waiting(now)  # changes committed but not yet entered (group commit)
    size = uow.ledger.lock_head()
    latest = uow.ledger.latest_checkpoint()
    if latest is not None and latest.tree_size == size:
        return Made(size, bytes(latest.root_hash), latest.note, False)
    tree_root = root(size, uow.ledger.nodes())
    note = sign_checkpoint(Checkpoint(signer.name, size, tree_root), signer)
    uow.ledger.add_checkpoint(size, tree_root, note, now)
    return Made(size, tree_root, note, True)


def make_checkpoint(uow: UnitOfWork, signer: Signer, now: datetime) -> Made:
    with uow:
        made = checkpoint_in(uow, signer, now)
        uow.commit()
    keep_checkpoint(signer, made.note)
    return made


def keep_checkpoint(signer: Signer, note: str) -> None:
    """Keeps a committed checkpoint beside the key too (see `ledger.pin`). A failure to write
    it is logged, not raised: the checkpoint is committed, and the older one kept still holds."""
    if signer.pin is None:
        return
    try:
        write_pin(signer.pin, note)
    except PinError as error:
        log.error("%s", error)


def cosigned_note(uow: UnitOfWork, size: int, note: str) -> str:
    """The checkpoint's note with every witness's cosignature held for it (C2SP
    tlog-cosignature lines after the log's own), as receipts and the API carry it."""
    lines = uow.ledger.cosignature_lines(size)
    return add_signature_lines(note, "".join(f"{line}\n" for line in lines)) if lines else note


def _decision_entry(uow: UnitOfWork, decision_id: str) -> Any:
    rows = {r.kind: r for r in uow.ledger.entries_for(decision_id)}
    return rows.get("decision.approved") or rows.get("decision.proposed")


def receipt_if_covered(uow: UnitOfWork, decision_id: str) -> dict[str, Any] | None:
    """The decision's receipt against the latest checkpoint, once one covers it (reads only)."""
    entry = _decision_entry(uow, decision_id)
    latest = uow.ledger.latest_checkpoint()
    if entry is None or latest is None or latest.tree_size <= entry.seq:
        return None
    path = inclusion_proof(entry.seq, latest.tree_size, uow.ledger.nodes())
    note = cosigned_note(uow, latest.tree_size, latest.note)
    return make_receipt(entry.entry.encode("utf-8"), entry.seq, note, path)


def receipt(uow: UnitOfWork, decision_id: str, signer: Signer, now: datetime) -> dict[str, Any]:
    """The receipt of a decision: its approval entry (or its proposal, while unapproved), with
    the inclusion path to a signed checkpoint — made now if none covers the entry yet."""
    with uow:
        uow.repo.decision(decision_id)
        entry = _decision_entry(uow, decision_id)
        if entry is None:
            raise NotFound("ledger entry for decision", decision_id)
        latest = uow.ledger.latest_checkpoint()
        if latest is None or latest.tree_size <= entry.seq:
            checkpoint_in(uow, signer, now)
            latest = uow.ledger.latest_checkpoint()
        assert latest is not None
        size = peek_checkpoint(latest.note).size
        if size != latest.tree_size:
            raise InvalidInput("checkpoint", "stored checkpoint disagrees with its note")
        path = inclusion_proof(entry.seq, size, uow.ledger.nodes())
        note = cosigned_note(uow, size, latest.note)
        uow.commit()
    keep_checkpoint(signer, latest.note)
    return make_receipt(entry.entry.encode("utf-8"), entry.seq, note, path)


# --- the log as C2SP tlog-tiles (`ledger.tiles`) ------------------------------------------------


def log_checkpoint(uow: UnitOfWork) -> str:
    """The latest checkpoint with its cosignatures: what a mirror starts from."""
    with uow.reading():
        latest = uow.ledger.latest_checkpoint()
        if latest is None:
            raise NotFound("checkpoint", "latest")
        return cosigned_note(uow, latest.tree_size, latest.note)


def _within_checkpoint(uow: UnitOfWork, tile: Tile) -> None:
    """A tile is served only as far as the latest checkpoint reaches: a full tile once the tree
    is past it, a partial one up to the checkpoint's width at its level."""
    latest = uow.ledger.latest_checkpoint()
    size = latest.tree_size if latest is not None else 0
    span = TILE_WIDTH ** (max(tile.level, 0) + 1)
    unit = TILE_WIDTH ** max(tile.level, 0)
    full = (tile.index + 1) * span <= size
    partial = tile.index == size // span and tile.width <= (size // unit) % TILE_WIDTH
    if not (full if tile.width == TILE_WIDTH else partial):
        raise NotFound("tile", tile.path)


def log_tile(uow: UnitOfWork, tile: Tile) -> bytes:
    with uow.reading():
        _within_checkpoint(uow, tile)
        return tile_bytes(tile, uow.ledger.nodes())


def log_entries(uow: UnitOfWork, tile: Tile) -> bytes:
    """An entry bundle: each entry as a big-endian uint16 length and its bytes."""
    with uow.reading():
        _within_checkpoint(uow, tile)
        first = tile.index * TILE_WIDTH
        found = uow.ledger.entries_between(first, first + tile.width)
    out = bytearray()
    for i, entry in enumerate(found):
        raw = entry.encode("utf-8")
        if len(raw) > 0xFFFF:
            raise InvalidInput("tile", f"entry {first + i} is longer than a bundle holds")
        out += len(raw).to_bytes(2, "big") + raw
    return bytes(out)
