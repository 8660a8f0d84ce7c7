"""C2SP signed notes and tlog checkpoints with Ed25519 keys.

Keys, notes and checkpoints use the exact text forms of ``golang.org/x/mod/sumdb/note`` and
C2SP ``tlog-checkpoint``, so standard transparency-log tooling can check Hifazat's tree heads.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from hifazat.ledger.merkle import HASH_SIZE

__all__ = [
    "Checkpoint",
    "NoteError",
    "Signer",
    "Verifier",
    "format_checkpoint",
    "generate_key",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "peek_checkpoint",
    "sign_checkpoint",
    "sign_note",
    "signature_lines",
]

ALG_ED25519 = 0x01
_SIG_PREFIX = "— "
_MAX_SIGNATURES = 100
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")


class NoteError(ValueError):
    """A key, note or checkpoint is malformed, or its signature does not verify."""


def key_id(name: str, public_key: bytes) -> bytes:
    """First 4 bytes of SHA-256(name || "\\n" || 0x01 || public key)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


def _valid_name(name: str) -> bool:
    """Go's rule: non-empty, valid UTF-8, no Unicode space and no '+'."""
    if not isinstance(name, str) or not name or "+" in name:
        return False
    return not any(c.isspace() or "\ud800" <= c <= "\udfff" for c in name)


def _b64decode(text: str, what: str) -> bytes:
    """Strict standard base64: one encoding per value, so flipping any character is noticed."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise NoteError(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError(f"{what} is not canonical base64")
    return raw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _parse_key_fields(
    text: str, what: str, alg: int = ALG_ED25519, kind: str = "an Ed25519 key"
) -> tuple[str, bytes, bytes]:
    """``name+hexid+base64(alg||key)`` into (name, id, 32 key bytes); `alg` is 0x01 for a
    signed-note key, 0x04 for a witness's (`ledger.cosignature`)."""
    parts = text.split("+", 2)  # the base64 key may itself contain '+'
    if len(parts) != 3:
        raise NoteError(f"{what} must look like <name>+<8 hex digits>+<base64 key>")
    name, hex_id, b64 = parts
    if not _valid_name(name):
        raise NoteError(f"{what} has an invalid name {name!r} (empty, or with space or '+')")
    if not re.fullmatch(r"[0-9a-fA-F]{8}", hex_id):
        raise NoteError(f"{what} key id {hex_id!r} is not 8 hex digits")
    raw = _b64decode(b64, f"{what} key material")
    if len(raw) != 33 or raw[0] != alg:
        raise NoteError(f"{what} is not {kind} (0x{alg:02x} followed by 32 bytes)")
    return name, bytes.fromhex(hex_id), raw[1:]


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: Ed25519PublicKey = field(repr=False, compare=False)

    @classmethod
    def from_public_key(cls, name: str, public_key: Ed25519PublicKey) -> Verifier:
        if not _valid_name(name):
            raise NoteError(f"invalid key name {name!r} (empty, or with space or '+')")
        return cls(name, key_id(name, _raw_public(public_key)), public_key)

    @classmethod
    def parse(cls, text: str) -> Verifier:
        """Parse ``<name>+<hex key id>+<base64(0x01 || public key)>``."""
        if not isinstance(text, str):
            raise NoteError("verifier key must be text")
        name, kid, raw = _parse_key_fields(text.strip(), "verifier key")
        if key_id(name, raw) != kid:
            raise NoteError("verifier key id does not match its name and public key")
        try:
            public_key = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError as exc:
            raise NoteError(f"verifier key is not a valid Ed25519 public key: {exc}") from None
        return cls(name, kid, public_key)

    def text(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{_b64(bytes([ALG_ED25519]) + self.raw())}"

    def raw(self) -> bytes:
        return _raw_public(self.public_key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    key_id: bytes
    private_key: Ed25519PrivateKey = field(repr=False, compare=False)
    #: where the latest checkpoint this key signs is kept outside the database (set for a key
    #: read from a file: see `ledger.pin`); None keeps none
    pin: Path | None = field(default=None, repr=False, compare=False)

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls.from_private_key(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_private_key(cls, name: str, private_key: Ed25519PrivateKey) -> Signer:
        if not _valid_name(name):
            raise NoteError(f"invalid key name {name!r} (empty, or with space or '+')")
        return cls(name, key_id(name, _raw_public(private_key.public_key())), private_key)

    @classmethod
    def parse(cls, text: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || 32-byte seed)>``."""
        if not isinstance(text, str) or not text.strip().startswith("PRIVATE+KEY+"):
            raise NoteError("signer key must start with PRIVATE+KEY+")
        body = text.strip()[len("PRIVATE+KEY+") :]
        name, kid, seed = _parse_key_fields(body, "signer key")
        private = Ed25519PrivateKey.from_private_bytes(seed)
        if key_id(name, _raw_public(private.public_key())) != kid:
            raise NoteError("signer key id does not match its name and public key")
        return cls(name, kid, private)

    def text(self) -> str:
        seed = self.private_key.private_bytes_raw()
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{_b64(bytes([ALG_ED25519]) + seed)}"

    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key_id, self.private_key.public_key())

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def generate_key(name: str) -> tuple[str, str]:
    """A fresh (signer key text, verifier key text) pair."""
    signer = Signer.generate(name)
    return signer.text(), signer.verifier().text()


def _as_signer(signer: Signer | str) -> Signer:
    return signer if isinstance(signer, Signer) else Signer.parse(signer)


def _as_verifier(verifier: Verifier | str) -> Verifier:
    return verifier if isinstance(verifier, Verifier) else Verifier.parse(verifier)


# --- signed notes ------------------------------------------------------------------------------


def sign_note(text: str, signer: Signer | str) -> str:
    """Body, blank line, one signature line; the signature covers the body's UTF-8 bytes."""
    s = _as_signer(signer)
    _check_text(text)
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    sig = s.sign(text.encode("utf-8"))
    return f"{text}\n{_SIG_PREFIX}{s.name} {_b64(s.key_id + sig)}\n"


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise NoteError("note must be text")
    for ch in text:
        if (ch < " " and ch != "\n") or "\ud800" <= ch <= "\udfff":
            raise NoteError("note contains a control character or invalid UTF-8")


def _split_note(note: str) -> tuple[str, str]:
    _check_text(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, sigs = note[: split + 1], note[split + 2 :]
    if not sigs or not sigs.endswith("\n"):
        raise NoteError("note's signature block must be non-empty and end with a newline")
    return text, sigs


def signature_lines(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """The note's body, and each signature line as (key name, key id and signature bytes):
    strict, so a malformed line is an error wherever signatures are read (here and in
    `ledger.cosignature`)."""
    text, sigs = _split_note(note)
    lines = sigs[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise NoteError(f"note has more than {_MAX_SIGNATURES} signatures")
    out = []
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise NoteError("signature line must start with an em dash and a space")
        name, _, b64 = line[len(_SIG_PREFIX) :].partition(" ")
        if not _valid_name(name) or not b64:
            raise NoteError("signature line must be '— <name> <base64 signature>'")
        blob = _b64decode(b64, "signature")
        if len(blob) < 5:
            raise NoteError("signature is too short")
        out.append((name, blob))
    return text, out


def open_note(note: str, verifier: Verifier | str) -> str:
    """The note's body, once a valid signature by ``verifier`` is found.

    Signatures by other keys are ignored (as in the Go package); a signature that names this
    key but does not verify is an error rather than being skipped.
    """
    v = _as_verifier(verifier)
    text, signed = signature_lines(note)
    verified = False
    for name, blob in signed:
        if name != v.name or blob[:4] != v.key_id:
            continue
        if len(blob) != 68 or not v.verify(text.encode("utf-8"), blob[4:]):
            raise NoteError(f"signature by {v.name}+{v.key_id.hex()} does not verify")
        verified = True
    if not verified:
        raise NoteError(f"note has no signature by {v.name}+{v.key_id.hex()}")
    return text


# --- checkpoints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extra: tuple[str, ...] = ()


def format_checkpoint(cp: Checkpoint) -> str:
    if not cp.origin or "\n" in cp.origin:
        raise NoteError("checkpoint origin must be one non-empty line")
    if not isinstance(cp.size, int) or isinstance(cp.size, bool) or cp.size < 0:
        raise NoteError("checkpoint size must be a non-negative integer")
    if not isinstance(cp.root_hash, bytes) or len(cp.root_hash) != HASH_SIZE:
        raise NoteError(f"checkpoint root hash must be {HASH_SIZE} bytes")
    for line in cp.extra:
        if not line or "\n" in line:
            raise NoteError("checkpoint extension lines must be non-empty single lines")
    return "".join(f"{line}\n" for line in (cp.origin, str(cp.size), _b64(cp.root_hash), *cp.extra))


def parse_checkpoint(body: str) -> Checkpoint:
    """Strict parse of a checkpoint body (the note text before its signatures)."""
    if not body.endswith("\n"):
        raise NoteError("checkpoint body must end with a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("checkpoint needs origin, size and root hash lines")
    origin, size_text, root_text, *extra = lines
    if not origin:
        raise NoteError("checkpoint origin is empty")
    if not _DECIMAL.fullmatch(size_text) or int(size_text) >= 1 << 64:
        raise NoteError(f"checkpoint size {size_text!r} is not a decimal without leading zeros")
    root_hash = _b64decode(root_text, "checkpoint root hash")
    if len(root_hash) != HASH_SIZE:
        raise NoteError(f"checkpoint root hash is {len(root_hash)} bytes, not {HASH_SIZE}")
    if any(not line for line in extra):
        raise NoteError("checkpoint has an empty extension line")
    return Checkpoint(origin, int(size_text), root_hash, tuple(extra))


def sign_checkpoint(cp: Checkpoint, signer: Signer | str) -> str:
    return sign_note(format_checkpoint(cp), signer)


def peek_checkpoint(note_text: str) -> Checkpoint:
    """Parse a signed checkpoint WITHOUT checking any signature: only for notes one made."""
    return parse_checkpoint(_split_note(note_text)[0])


def open_checkpoint(note_text: str, verifier_key_text: Verifier | str) -> Checkpoint:
    """Verify the note carries a valid signature by the given key, then parse its body."""
    return parse_checkpoint(open_note(note_text, verifier_key_text))
