"""Notices: sending a dead one again."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hifazat.api.deps import IDEMPOTENT, Reg, Who, idempotent
from hifazat.api.schemas import NoticeRequeued, ReasonBody
from hifazat.services import notices

router = APIRouter(prefix="/api/v1/notices")


@router.post(
    "/{notice_id}/requeue",
    response_model=NoticeRequeued,
    operation_id="notices_requeue",
    dependencies=[IDEMPOTENT],
    tags=["notices"],
)
def requeue(notice_id: str, body: ReasonBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    """A dead notice, pending again and due at once; entered in the ledger with the reason.
    403 for anyone who may not (whether or not the notice exists)."""
    user = who.need("notice.requeue")

    def run() -> tuple[int, Any]:
        state = notices.requeue(reg.uow(), notice_id, user.id, body.reason, reg.clock())
        requeued = NoticeRequeued(
            notice=state.id,
            state=state.state,
            attempts=state.attempts,
            next_attempt_at=state.next_attempt_at,
            requeued_by=user.id,
            reason=body.reason,
        )
        return 200, requeued.wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)
