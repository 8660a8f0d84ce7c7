"""The ledger: the latest checkpoint, making one, and the public key."""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from hifazat.api.deps import Reg, Who
from hifazat.api.schemas import Checkpoint, CheckpointMade
from hifazat.domain.errors import NotFound
from hifazat.ledger.tiles import Tile, TileError, parse_tile_path
from hifazat.services import guarded, ledger, witnessing

router = APIRouter(prefix="/api/v1/ledger")


@router.get(
    "/public-key",
    response_class=PlainTextResponse,
    operation_id="ledger_public_key",
    tags=["ledger"],
)
def public_key(reg: Reg) -> str:
    """The signed-note verifier key that checks every checkpoint and receipt. Public."""
    return reg.signer().verifier().text() + "\n"


@router.get(
    "/checkpoint",
    operation_id="ledger_checkpoint_latest",
    tags=["ledger"],
    responses={404: {"description": "No checkpoint has been made yet"}},
)
def latest(reg: Reg, who: Who) -> Checkpoint:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("ledger.read"), "ledger.read")
        row = uow.ledger.latest_checkpoint()
    if row is None:
        raise NotFound("checkpoint", "latest")
    found = witnessing.witnesses(reg.uow(), {})
    now = witnessing.standing(reg.uow(), found.keys, found.quorum)
    note, named = (now.note, list(now.witnesses)) if now else (row.note, [])
    return Checkpoint(
        tree_size=row.tree_size,
        root=base64.b64encode(row.root_hash).decode(),
        made_at=row.made_at,
        checkpoint=note,
        witnesses=named,
        quorum=found.quorum,
        witnessed=bool(now and now.witnessed),
    )


@router.post(
    "/checkpoints", status_code=201, operation_id="ledger_checkpoint_make", tags=["ledger"]
)
def make(reg: Reg, who: Who) -> CheckpointMade:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("ledger.checkpoint"), "ledger.checkpoint")
    made = ledger.make_checkpoint(reg.uow(), reg.signer(), reg.clock())
    return CheckpointMade(
        tree_size=made.size,
        root=base64.b64encode(made.root).decode(),
        new=made.new,
        checkpoint=made.note,
    )


# --- the log as C2SP tlog-tiles, prefix /api/v1/ledger/log --------------------------------------
#: a checkpoint moves: a few seconds at most; a tile never changes once served
CHECKPOINT_CACHE = "public, max-age=5"
TILE_CACHE = "public, max-age=31536000, immutable"
OCTETS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "The tile's bytes"}
}


@router.get(
    "/log/checkpoint",
    response_class=PlainTextResponse,
    operation_id="ledger_log_checkpoint",
    tags=["ledger"],
    responses={404: {"description": "No checkpoint has been made yet"}},
)
def log_checkpoint(reg: Reg) -> Response:
    """The latest checkpoint, cosigned by the witnesses that have (C2SP tlog-tiles). Public:
    with the tiles, anyone can mirror the tree and check it grows only by appending."""
    note = ledger.log_checkpoint(reg.uow())
    return PlainTextResponse(note, headers={"Cache-Control": CHECKPOINT_CACHE})


@router.get(
    "/log/tile/entries/{index:path}",
    response_class=Response,
    operation_id="ledger_log_entries",
    tags=["ledger"],
    responses=OCTETS,
)
def log_entries(index: str, reg: Reg, who: Who) -> Response:
    """An entry bundle (C2SP tlog-tiles). The entries name protectees and decisions, so only
    oversight reads them; the hash tiles beside them are public."""
    with reg.uow() as uow:
        guarded.gate(uow, who.need("entries.read"), "entries.read")
    tile = _tile(f"tile/entries/{index}")
    data = ledger.log_entries(reg.uow(), tile)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Cache-Control": "private, no-cache"},
    )


@router.get(
    "/log/tile/{level}/{index:path}",
    response_class=Response,
    operation_id="ledger_log_tile",
    tags=["ledger"],
    responses=OCTETS,
)
def log_tile(level: str, index: str, reg: Reg) -> Response:
    """A hash tile, `<level>/<index>[.p/<width>]` (C2SP tlog-tiles). Public and immutable."""
    tile = _tile(f"tile/{level}/{index}")
    if tile.level < 0:
        raise NotFound("tile", tile.path)
    data = ledger.log_tile(reg.uow(), tile)
    return Response(
        data, media_type="application/octet-stream", headers={"Cache-Control": TILE_CACHE}
    )


def _tile(path: str) -> Tile:
    """A path that names no tile is a 404, as on a static server holding the tiles."""
    try:
        return parse_tile_path(path)
    except TileError:
        raise NotFound("tile", path) from None
