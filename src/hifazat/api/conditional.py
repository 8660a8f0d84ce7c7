"""Conditional reads for what a monitor polls (a protectee's status, the audits, the public
report): the answer carries an `ETag`, and a request naming it in `If-None-Match` gets
`304 Not Modified` with no body.

The tag is a digest of the body as it would be sent, less the instant it was computed at where
that is not part of the question (a status's `at`, the public report's `now`: they echo the
clock, so would change the tag on every read; an audit's open period does not — it ends now, so
it is another period a moment later, and costs accrue), so it changes exactly when the answer
does — including when the clock alone moves a cover from pending to effective, or a reader's
access changes what they may see — and two readers shown different redactions never share one.
It saves the poller the transfer and the parsing, not the server the reading.

The document declares the header and the ETag, but not the 304 among the responses: a response
with no body is untyped (`Any`) in a generated client, which would spoil the exact answer type
of the operation for every caller; a poller reads the status code (docs/api.md)."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response

from hifazat.api.schemas.common import View

ETAG = "ETag"


def if_none_match(
    tag: Annotated[
        str | None,
        Header(
            alias="If-None-Match",
            description=(
                "The ETag of an answer read before: if the answer has not changed since, the "
                "request is answered 304 Not Modified, with the ETag and no body."
            ),
        ),
    ] = None,
) -> str | None:
    """Declares the header in the document; `conditional` reads it from the request."""
    return tag


#: the dependency of every route that answers through `conditional`
CONDITIONAL = Depends(if_none_match)


#: where an answer echoes the instant it was computed at (paths of keys in the body)
Instants = tuple[tuple[str, ...], ...]


def tag_of(body: dict[str, Any], instants: Instants = ()) -> str:
    """A digest of the body without its computed-at instants."""
    kept = copy.deepcopy(body)
    for path in instants:
        holder: Any = kept
        for key in path[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(holder, dict):
            holder.pop(path[-1], None)
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def matches(header: str | None, tag: str) -> bool:
    """RFC 9110's weak comparison: `*`, or any listed tag equal to ours, with or without `W/`."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    listed = (part.strip() for part in header.split(","))
    return tag in (t[2:] if t.startswith("W/") else t for t in listed)


def conditional(
    request: Request, view: View, *, instants: Instants = (), public: bool = False
) -> Response:
    """The view as JSON with its ETag, or 304 when the caller already holds it. A signed-in
    answer may be kept only by the reader's own client (`private`), and must be revalidated
    before each use (`no-cache`): need-to-know is decided on every read."""
    wire = view.wire()
    body = JSONResponse(wire).body
    tag = tag_of(wire, instants)
    headers = {
        ETAG: tag,
        "Cache-Control": "public, no-cache" if public else "private, no-cache",
    }
    if not public:
        headers["Vary"] = "Authorization, Cookie"
    if matches(request.headers.get("If-None-Match"), tag):
        return Response(status_code=304, headers=headers)
    return Response(bytes(body), media_type="application/json", headers=headers)
