"""Receipts: a ledger entry with the proof that a signed checkpoint includes it.

A receipt is checked offline with only the log's verifier key, so everything it relies on
(entry text, path, signed tree head) travels inside it and is re-derived, never trusted.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hifazat.ledger.canonical import decode_entry
from hifazat.ledger.cosignature import CosignerKey, witnessed_by
from hifazat.ledger.merkle import HASH_SIZE, ProofError, leaf_hash, verify_inclusion
from hifazat.ledger.note import NoteError, Verifier, open_checkpoint, peek_checkpoint

__all__ = ["RECEIPT_VERSION", "ReceiptError", "ReceiptResult", "check_receipt", "make_receipt"]

RECEIPT_VERSION = 1
_FIELDS = {
    "version": int,
    "entry": str,
    "leaf_index": int,
    "tree_size": int,
    "inclusion": list,
    "checkpoint": str,
}


class ReceiptError(ValueError):
    """The receipt is malformed or does not prove what it claims."""


@dataclass(frozen=True)
class ReceiptResult:
    seq: int
    kind: str
    at: datetime
    actor: str
    payload: Mapping[str, Any]
    leaf_index: int
    tree_size: int
    origin: str
    root_hash: bytes
    #: the given witnesses whose valid cosignatures the checkpoint carries
    witnessed_by: tuple[str, ...] = ()


def make_receipt(
    entry: bytes, leaf_index: int, checkpoint_note: str, inclusion: Sequence[bytes]
) -> dict[str, Any]:
    """Bundle an entry with its inclusion path and the signed checkpoint the path leads to.

    The path is checked against the checkpoint's root here, so a receipt that would fail for
    its holder is never issued.
    """
    try:
        cp = peek_checkpoint(checkpoint_note)
        verify_inclusion(leaf_hash(entry), leaf_index, cp.size, inclusion, cp.root_hash)
        text = entry.decode("utf-8")
    except (NoteError, ProofError, UnicodeDecodeError) as exc:
        raise ReceiptError(f"cannot issue receipt: {exc}") from exc
    return {
        "version": RECEIPT_VERSION,
        "entry": text,
        "leaf_index": leaf_index,
        "tree_size": cp.size,
        "inclusion": [base64.b64encode(h).decode("ascii") for h in inclusion],
        "checkpoint": checkpoint_note,
    }


def _load(receipt: Mapping[str, Any] | str | bytes) -> Mapping[str, Any]:
    if isinstance(receipt, str | bytes):
        try:
            receipt = json.loads(receipt)
        except ValueError as exc:
            raise ReceiptError(f"receipt is not JSON: {exc}") from None
        except RecursionError:
            raise ReceiptError("receipt is not a receipt: nested too deeply") from None
    if not isinstance(receipt, Mapping):
        raise ReceiptError("receipt must be a JSON object")
    unknown = sorted(set(receipt) - set(_FIELDS))
    missing = sorted(set(_FIELDS) - set(receipt))
    if unknown or missing:
        raise ReceiptError(f"receipt fields: unknown {unknown}, missing {missing}")
    for name, kind in _FIELDS.items():
        value = receipt[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ReceiptError(f"receipt field {name!r} must be of type {kind.__name__}")
    if receipt["version"] != RECEIPT_VERSION:
        raise ReceiptError(f"unsupported receipt version {receipt['version']}")
    return receipt


def _decode_path(items: list[Any]) -> list[bytes]:
    path = []
    for i, item in enumerate(items):
        try:
            if not isinstance(item, str):
                raise ValueError
            raw = base64.b64decode(item.encode("ascii"), validate=True)
            if base64.b64encode(raw).decode("ascii") != item or len(raw) != HASH_SIZE:
                raise ValueError
        except (ValueError, binascii.Error, UnicodeEncodeError):
            raise ReceiptError(
                f"inclusion element {i} is not a canonical base64 {HASH_SIZE}-byte hash"
            ) from None
        path.append(raw)
    return path


def check_receipt(
    receipt: Mapping[str, Any] | str | bytes,
    verifier_key_text: Verifier | str,
    witnesses: Sequence[CosignerKey] = (),
    quorum: int = 0,
) -> ReceiptResult:
    """Verify a receipt offline; raise ReceiptError naming the first check that fails. With
    witnesses' keys, it also counts their cosignatures on the checkpoint, and fails below
    `quorum` of them: the log showed this checkpoint to that many others, not only to the
    holder."""
    r = _load(receipt)
    try:
        verifier = (
            verifier_key_text
            if isinstance(verifier_key_text, Verifier)
            else Verifier.parse(verifier_key_text)
        )
    except NoteError as exc:
        raise ReceiptError(f"verifier key: {exc}") from None
    try:
        cp = open_checkpoint(r["checkpoint"], verifier)
    except NoteError as exc:
        raise ReceiptError(f"checkpoint: {exc}") from None
    if r["tree_size"] != cp.size:
        raise ReceiptError(
            f"tree_size {r['tree_size']} differs from the checkpoint's size {cp.size}"
        )
    if r["leaf_index"] < 0:
        raise ReceiptError("leaf_index is negative")
    path = _decode_path(r["inclusion"])
    try:
        entry = r["entry"].encode("utf-8")
    except UnicodeEncodeError:
        raise ReceiptError("entry is not valid UTF-8 text") from None
    try:
        verify_inclusion(leaf_hash(entry), r["leaf_index"], cp.size, path, cp.root_hash)
    except ProofError as exc:
        raise ReceiptError(f"entry is not proved by the checkpoint: {exc}") from None
    try:
        parsed = decode_entry(entry)
    except ValueError as exc:
        raise ReceiptError(f"entry: {exc}") from None
    try:
        named = witnessed_by(r["checkpoint"], witnesses)
    except NoteError as exc:
        raise ReceiptError(f"checkpoint: {exc}") from None
    if len(named) < quorum:
        raise ReceiptError(
            f"the checkpoint is cosigned by {len(named)} of the given witnesses"
            f"{' (' + ', '.join(named) + ')' if named else ''}, fewer than the quorum {quorum}"
        )
    return ReceiptResult(
        seq=parsed.seq,
        kind=parsed.kind,
        at=parsed.at,
        actor=parsed.actor,
        payload=parsed.payload,
        leaf_index=r["leaf_index"],
        tree_size=cp.size,
        origin=cp.origin,
        root_hash=cp.root_hash,
        witnessed_by=named,
    )
