"""The registry's side of tlog-witness: one POST to a witness, over HTTP."""

from __future__ import annotations

import httpx

#: a witness answers at once or not at all; a slow one only delays its own cosignature
TIMEOUT_SECONDS = 10.0


def post(url: str, body: str) -> tuple[int, str, str]:
    """(status, content type, text); an unreachable witness is an OSError naming it."""
    try:
        answer = httpx.post(
            url,
            content=body.encode("utf-8"),
            headers={"Content-Type": "text/plain; charset=utf-8"},
            timeout=TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as error:
        raise OSError(f"{url}: {error}") from None
    return answer.status_code, answer.headers.get("content-type", ""), answer.text
