"""New identifiers: short enough to type at a desk, random so concurrent desks never collide."""

from __future__ import annotations

import secrets

_ALPHABET = "abcdefghjkmnpqrstvwxyz23456789"  # no 0/o, 1/l/i, u: read aloud without confusion


def new_id(prefix: str, length: int = 8) -> str:
    return f"{prefix}-" + "".join(secrets.choice(_ALPHABET) for _ in range(length))
