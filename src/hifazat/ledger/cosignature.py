"""C2SP tlog-cosignature (`cosignature/v1`, Ed25519) and the body of a C2SP tlog-witness
`add-checkpoint` request.

A witness's cosignature is one more signature line on the log's checkpoint note, so a
cosigned checkpoint still opens with the log's own key alone (`note.open_note` ignores lines
by other keys). Cosigner keys use their own key-id byte (0x04), so a log key and a witness key
can never be mistaken for each other.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hifazat.ledger.merkle import HASH_SIZE
from hifazat.ledger.note import (
    NoteError,
    _b64,
    _b64decode,
    _parse_key_fields,
    _raw_public,
    _split_note,
    _valid_name,
    signature_lines,
)

__all__ = [
    "ALG_COSIGNATURE_V1",
    "AddCheckpoint",
    "Cosigner",
    "CosignerKey",
    "add_signature_lines",
    "cosignature_lines",
    "cosigner_key_id",
    "format_add_checkpoint",
    "parse_add_checkpoint",
    "witnessed_by",
]

ALG_COSIGNATURE_V1 = 0x04
COSIGNER_KEY = "a cosignature/v1 key"
_SIG_PREFIX = "— "
_MAX_PROOF = 63
_MAX_TIMESTAMP = (1 << 63) - 1
_OLD = re.compile(r"old (0|[1-9][0-9]{0,19})")


def cosigner_key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(name || "\\n" || 0x04 || public key)[:4], as tlog-cosignature defines it."""
    return hashlib.sha256(
        name.encode() + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public_key
    ).digest()[:4]


def _message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def _key_fields(text: str, what: str) -> tuple[str, bytes, bytes]:
    """A signed-note key's fields with the witness's type byte (0x04), its id checked."""
    name, kid, raw = _parse_key_fields(text, what, ALG_COSIGNATURE_V1, COSIGNER_KEY)
    if cosigner_key_id(name, raw) != kid:
        raise NoteError(f"{what} id does not match its name and public key")
    return name, kid, raw


@dataclass(frozen=True)
class CosignerKey:
    """A witness's public key, as a log's verifiers and a receipt's holder configure it."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey = field(repr=False, compare=False)

    @classmethod
    def parse(cls, text: str) -> CosignerKey:
        """``<name>+<hex key id>+<base64(0x04 || public key)>`` (a C2SP vkey)."""
        if not isinstance(text, str):
            raise NoteError("witness key must be text")
        name, kid, raw = _key_fields(text.strip(), "witness key")
        try:
            return cls(name, kid, Ed25519PublicKey.from_public_bytes(raw))
        except ValueError as exc:
            raise NoteError(f"witness key is not a valid Ed25519 public key: {exc}") from None

    def text(self) -> str:
        raw = bytes([ALG_COSIGNATURE_V1]) + _raw_public(self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{_b64(raw)}"

    def timestamp(self, note: str) -> int | None:
        """When this witness cosigned the note's checkpoint, or None where it did not; a line
        naming this key that does not verify is an error, as in `note.open_note`."""
        body, signed = signature_lines(note)
        found = None
        for name, blob in signed:
            if name != self.name or blob[:4] != self.key_id:
                continue
            if len(blob) != 4 + 8 + 64:
                raise NoteError(f"cosignature by {self.name} is not 76 bytes")
            (stamp,) = struct.unpack(">Q", blob[4:12])
            try:
                self.public_key.verify(blob[12:], _message(body, stamp))
            except InvalidSignature:
                raise NoteError(f"cosignature by {self.name} does not verify") from None
            if stamp > _MAX_TIMESTAMP:
                raise NoteError(f"cosignature by {self.name} has a timestamp past 2^63 - 1")
            found = stamp if found is None else max(found, stamp)
        return found


@dataclass(frozen=True)
class Cosigner:
    """A witness's signing key (``PRIVATE+KEY+<name>+<hex id>+<base64(0x04 || seed)>``)."""

    name: str
    key_id: bytes
    private_key: Ed25519PrivateKey = field(repr=False, compare=False)

    @classmethod
    def generate(cls, name: str) -> Cosigner:
        if not _valid_name(name):
            raise NoteError(f"invalid key name {name!r} (empty, or with space or '+')")
        private = Ed25519PrivateKey.generate()
        return cls(name, cosigner_key_id(name, _raw_public(private.public_key())), private)

    @classmethod
    def parse(cls, text: str) -> Cosigner:
        if not isinstance(text, str) or not text.strip().startswith("PRIVATE+KEY+"):
            raise NoteError("witness signing key must start with PRIVATE+KEY+")
        body = text.strip()[len("PRIVATE+KEY+") :]
        name, kid, seed = _parse_key_fields(
            body, "witness signing key", ALG_COSIGNATURE_V1, COSIGNER_KEY
        )
        private = Ed25519PrivateKey.from_private_bytes(seed)
        key = cls(name, cosigner_key_id(name, _raw_public(private.public_key())), private)
        if key.key_id != kid:
            raise NoteError("witness signing key id does not match its name and key")
        return key

    def text(self) -> str:
        seed = self.private_key.private_bytes_raw()
        raw = bytes([ALG_COSIGNATURE_V1]) + seed
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{_b64(raw)}"

    def public(self) -> CosignerKey:
        return CosignerKey(self.name, self.key_id, self.private_key.public_key())

    def cosign(self, body: str, timestamp: int) -> str:
        """One signature line (with its newline) over a checkpoint's body at `timestamp`."""
        if not 0 <= timestamp <= _MAX_TIMESTAMP:
            raise NoteError("cosignature timestamp out of range")
        sig = self.private_key.sign(_message(body, timestamp))
        blob = self.key_id + struct.pack(">Q", timestamp) + sig
        return f"{_SIG_PREFIX}{self.name} {_b64(blob)}\n"


def add_signature_lines(note: str, lines: str) -> str:
    """The note with `lines` (signature lines, each ending in a newline) appended, a line the
    note already has kept once."""
    _split_note(note)
    have = set(note.split("\n"))
    extra = [line for line in lines.split("\n") if line and line not in have]
    for line in extra:
        if not line.startswith(_SIG_PREFIX):
            raise NoteError("signature line must start with an em dash and a space")
    return note + "".join(f"{line}\n" for line in dict.fromkeys(extra))


def witnessed_by(note: str, witnesses: Iterable[CosignerKey]) -> tuple[str, ...]:
    """The names of the given witnesses whose valid cosignatures the note carries."""
    return tuple(w.name for w in witnesses if w.timestamp(note) is not None)


@dataclass(frozen=True)
class AddCheckpoint:
    """An add-checkpoint request: the size the client believes the witness holds, a consistency
    proof from it, and the log's signed checkpoint."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: str


def format_add_checkpoint(request: AddCheckpoint) -> str:
    proof = "".join(f"{_b64(h)}\n" for h in request.proof)
    return f"old {request.old_size}\n{proof}\n{request.checkpoint}"


def parse_add_checkpoint(body: str) -> AddCheckpoint:
    """Strict: an old size line, at most 63 proof lines, an empty line, then the note."""
    head, sep, note = body.partition("\n\n")
    if not sep:
        raise NoteError("request has no empty line before its checkpoint")
    lines = head.split("\n")
    match = _OLD.fullmatch(lines[0])
    if match is None:
        raise NoteError("request must begin with 'old <size>' in decimal without leading zeros")
    if len(lines) - 1 > _MAX_PROOF:
        raise NoteError(f"request has more than {_MAX_PROOF} consistency proof lines")
    proof = []
    for i, line in enumerate(lines[1:]):
        raw = _b64decode(line, f"proof line {i + 1}")
        if len(raw) != HASH_SIZE:
            raise NoteError(f"proof line {i + 1} is not a {HASH_SIZE}-byte hash")
        proof.append(raw)
    return AddCheckpoint(int(match.group(1)), tuple(proof), note)


def cosignature_lines(text: str) -> Sequence[str]:
    """A witness's response body as its signature lines."""
    lines = text.split("\n")
    if not text.endswith("\n") or not all(line.startswith(_SIG_PREFIX) for line in lines[:-1]):
        raise NoteError("a cosignature response is signature lines, each ending in a newline")
    return lines[:-1]
