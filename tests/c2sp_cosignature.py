"""An independent reading of C2SP tlog-cosignature (cosignature/v1, Ed25519) and signed-note,
written from the specification texts apart from `hifazat.ledger`, so that the project's own
cosignatures are checked by code that shares none of its mistakes.

    key ID = SHA-256(<name> || "\\n" || 0x04 || 32-byte public key)[:4]
    line   = "— " <name> " " base64(key ID || u64 big-endian timestamp || Ed25519 signature)
    signed = "cosignature/v1\\n" "time " <decimal timestamp> "\\n" <checkpoint body>
    vkey   = <name> "+" <hex key ID> "+" base64(0x04 || public key)
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def parse_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    name, key_id_hex, material = vkey.split("+", 2)
    raw = base64.b64decode(material)
    assert raw[0] == 0x04 and len(raw) == 33, "not a cosignature/v1 key"
    key_id = hashlib.sha256(name.encode() + b"\n" + b"\x04" + raw[1:]).digest()[:4]
    assert key_id.hex() == key_id_hex, "key ID does not match"
    return name, key_id, raw[1:]


def cosignatures(note: str, vkeys: list[str]) -> dict[str, int]:
    """Witness name -> timestamp, for each given witness with a valid cosignature on the note."""
    body, _, signatures = note.rpartition("\n\n")
    body += "\n"
    found: dict[str, int] = {}
    for vkey in vkeys:
        name, key_id, public = parse_vkey(vkey)
        key = Ed25519PublicKey.from_public_bytes(public)
        for line in signatures.splitlines():
            if not line.startswith("\u2014 " + name + " "):
                continue
            blob = base64.b64decode(line.split(" ")[2])
            if blob[:4] != key_id or len(blob) != 76:
                continue
            timestamp = int.from_bytes(blob[4:12], "big")
            message = b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + body.encode()
            try:
                key.verify(blob[12:], message)
            except InvalidSignature:
                continue
            found[name] = timestamp
    return found
