"""The ledger: the latest checkpoint, making one, and the public key."""

from __future__ import annotations

import base64

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from hifazat.api.deps import Reg, Who
from hifazat.api.schemas import Checkpoint, CheckpointMade
from hifazat.domain.errors import NotFound
from hifazat.services import guarded, ledger

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
    return Checkpoint(
        tree_size=row.tree_size,
        root=base64.b64encode(row.root_hash).decode(),
        made_at=row.made_at,
        checkpoint=row.note,
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
