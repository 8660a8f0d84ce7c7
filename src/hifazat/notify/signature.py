"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<raw body>" with the channel's secret.

The timestamp is inside what is signed, so a receiver that refuses stale timestamps also
refuses a captured request replayed later; the body is signed as sent (raw bytes), so a
receiver must verify before parsing."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

PREFIX = "sha256="


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Hifazat-Signature` header value for a body sent at `timestamp` (unix seconds)."""
    message = str(timestamp).encode("ascii") + b"." + body
    return PREFIX + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes,
    signature: str,
    now: datetime,
    tolerance: int = 300,
) -> bool:
    """For receivers: True only for a signature made with `secret` over exactly this body and
    timestamp, with the timestamp within `tolerance` seconds of `now` (either side)."""
    text = str(timestamp).strip()
    if not (text.isascii() and text.isdigit()):
        return False
    stamp = int(text)
    if abs(now.timestamp() - stamp) > tolerance:
        return False
    expected = sign(secret, stamp, body)
    # compare_digest takes the same time wherever the first difference lies
    return hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("utf-8"))
