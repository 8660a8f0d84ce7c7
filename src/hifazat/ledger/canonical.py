"""Ledger entries as RFC 8785 canonical JSON.

The entry bytes are what the Merkle tree hashes, so the encoding must be byte-for-byte
reproducible by anyone (including an offline receipt checker) from the same facts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import rfc8785

__all__ = [
    "ENTRY_FIELDS",
    "Entry",
    "canonical_json",
    "decode_entry",
    "encode_entry",
    "format_time",
    "parse_time",
]

ENTRY_FIELDS = frozenset({"seq", "kind", "at", "actor", "payload"})

_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?Z$")


def format_time(dt: datetime) -> str:
    """UTC, second precision unless microseconds are present, so one instant has one text."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{dt.isoformat()} is naive; ledger times must carry a UTC offset")
    u = dt.astimezone(UTC)
    text = f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}"
    if u.microsecond:
        text += f".{u.microsecond:06d}"
    return text + "Z"


def parse_time(text: str) -> datetime:
    """Inverse of :func:`format_time`; refuses any other spelling of the same instant."""
    match = _TIME.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a ledger time (YYYY-MM-DDTHH:MM:SS[.ffffff]Z)")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    micro = match.group(7)
    if micro is not None and int(micro) == 0:
        raise ValueError(f"{text!r} is not canonical: zero microseconds must be omitted")
    try:
        return datetime(year, month, day, hour, minute, second, int(micro or 0), tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid time: {exc}") from None


def encode_entry(
    seq: int, kind: str, at: datetime, actor: str, payload: Mapping[str, Any]
) -> bytes:
    """The canonical bytes of one ledger entry (the Merkle leaf input)."""
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError(f"seq must be a non-negative integer, not {seq!r}")
    if not isinstance(kind, str) or not kind:
        raise ValueError("kind must be a non-empty string")
    if not isinstance(actor, str):
        raise ValueError("actor must be a string")
    if not isinstance(payload, Mapping):
        raise ValueError("payload must be a mapping")
    document: dict[str, Any] = {
        "seq": seq,
        "kind": kind,
        "at": format_time(at),
        "actor": actor,
        "payload": dict(payload),
    }
    return canonical_json(document)


#: integers JSON carries exactly everywhere (RFC 8785 serialises numbers as IEEE doubles)
_SAFE_INT = 2**53 - 1


def _plain(document: Any) -> bool:
    """True for the values on which Python's C JSON encoder already writes RFC 8785: text, safe
    integers, booleans, null, lists, and objects whose keys are ASCII (where sorting by code
    point and by UTF-16 unit agree). Floats and anything else go to the reference encoder.
    A loop over exact types, not recursion: it runs for every entry a verification reads."""
    pending = [document]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is str or kind is bool or value is None:
            continue
        if kind is int:
            if not -_SAFE_INT <= value <= _SAFE_INT:
                return False
        elif kind is dict:
            for key in value:
                if type(key) is not str or not key.isascii():
                    return False
            pending.extend(value.values())
        elif kind is list:
            pending.extend(value)
        else:
            return False
    return True


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 bytes. Ledger entries are plain (see `_plain`), so the C encoder writes them, about
    ten times faster than the pure-Python reference, which still handles everything else;
    a property test holds the two to the same bytes."""
    if _plain(document):
        try:
            text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            return text.encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: let the reference encoder refuse it
    try:
        return bytes(rfc8785.dumps(document))
    except rfc8785.CanonicalizationError as exc:
        raise ValueError(f"payload cannot be canonicalised: {exc}") from exc


@dataclass(frozen=True)
class Entry:
    seq: int
    kind: str
    at: datetime
    actor: str
    payload: Mapping[str, Any]


def decode_entry(data: bytes) -> Entry:
    """Parse entry bytes, insisting they are exactly the canonical encoding of their content."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"entry is not UTF-8 JSON: {exc}") from None
    if not isinstance(obj, dict) or set(obj) != ENTRY_FIELDS:
        raise ValueError(f"entry must be an object with exactly the fields {sorted(ENTRY_FIELDS)}")
    seq, kind, at, actor, payload = (obj[k] for k in ("seq", "kind", "at", "actor", "payload"))
    if not isinstance(at, str):
        raise ValueError("entry 'at' must be a string")
    if not isinstance(payload, dict):
        raise ValueError("entry 'payload' must be an object")
    entry = Entry(seq=seq, kind=kind, at=parse_time(at), actor=actor, payload=payload)
    if encode_entry(seq, kind, entry.at, actor, payload) != data:
        raise ValueError("entry is not in canonical form")
    return entry
