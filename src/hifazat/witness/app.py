"""The witness's HTTP face: `POST /add-checkpoint` as C2SP tlog-witness specifies it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from hifazat.ledger.cosignature import AddCheckpoint, Cosigner, parse_add_checkpoint
from hifazat.ledger.note import NoteError, Verifier, peek_checkpoint
from hifazat.ledger.witness import Verdict, judge
from hifazat.witness import state

log = logging.getLogger("hifazat.witness")

#: a checkpoint, 63 proof lines and a few signatures fit easily; anything larger is refused
MAX_BODY = 64 * 1024


def create_witness_app(
    engine: Engine,
    cosigner: Cosigner,
    logs: Mapping[str, Sequence[Verifier]],
    clock: Callable[[], int] = lambda: int(time.time()),
) -> Starlette:
    """`logs` maps each origin the witness follows to the keys it trusts for it."""

    def decide(request: AddCheckpoint, origin: str) -> Verdict:
        now = clock()
        with state.locked(engine) as conn:
            held = state.held(conn, origin)
            verdict = judge(request, logs.get(origin, ()), held, cosigner, now)
            if verdict.head is not None:
                state.keep_head(conn, origin, verdict.head, now)
            if verdict.evidence and held is not None:
                state.keep_evidence(
                    conn,
                    origin,
                    now,
                    verdict.reason,
                    held,
                    request.old_size,
                    request.proof,
                    request.checkpoint,
                )
        return verdict

    async def add_checkpoint(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            return PlainTextResponse("request body too large\n", status_code=413)
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY:
                return PlainTextResponse("request body too large\n", status_code=413)
        try:
            parsed = parse_add_checkpoint(raw.decode("utf-8"))
            origin = peek_checkpoint(parsed.checkpoint).origin
        except (UnicodeDecodeError, NoteError) as error:
            return PlainTextResponse(f"malformed request: {error}\n", status_code=400)
        verdict = await run_in_threadpool(decide, parsed, origin)
        if verdict.evidence:
            log.warning("split view: %s: %s (kept as evidence)", origin, verdict.reason)
        if verdict.status == 200:
            return PlainTextResponse(verdict.cosignature)
        if verdict.status == 409:
            return Response(
                f"{verdict.held_size}\n", status_code=409, media_type="text/x.tlog.size"
            )
        return PlainTextResponse(f"{verdict.reason}\n", status_code=verdict.status)

    return Starlette(routes=[Route("/add-checkpoint", add_checkpoint, methods=["POST"])])
