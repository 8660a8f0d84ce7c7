"""Decisions: propose, approve, rescind, ratify; read one; its receipt."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hifazat.api.deps import Reg, Who, idempotent
from hifazat.api.errors import ERRORS
from hifazat.api.schemas import ApproveBody, ProposalBody, RatifyBody, ReasonBody
from hifazat.domain.decision import Action, Basis
from hifazat.services import decide, emergencies, ledger, secure, views

router = APIRouter(prefix="/api/v1/decisions", tags=["decisions"], responses=ERRORS)


@router.post("", status_code=201)
def propose(body: ProposalBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    """Proposes a decision; the acting user is the proposer."""
    user = who.need("decision.propose")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            secure.gate(uow, user, "decision.propose", body.protectee, body.provider)
        proposal = decide.Proposal(
            action=Action(body.action),
            protectee=body.protectee,
            provider=body.provider,
            reason_code=body.reason_code,
            reason=body.reason,
            by=user.id,
            category=body.category,
            basis=Basis(body.basis) if body.basis else None,
            emergency=body.emergency,
            effective_at=body.effective_at,
        )
        proposed = decide.propose(reg.uow(), proposal, reg.clock)
        return 201, {
            "decision": proposed.decision.id,
            "state": "proposed",
            "needs_committee": [
                v["message"]
                for v in secure.violations_for(reg.uow(), user, proposed.needs_committee)
            ],
            "steps": list(proposed.steps),
        }

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.get("/{decision_id}")
def read(decision_id: str, reg: Reg, who: Who) -> dict[str, Any]:
    return secure.read_decision(reg.uow(), who.need("decision.read"), decision_id, reg.clock())


@router.post("/{decision_id}/approve")
def approve(
    decision_id: str, body: ApproveBody, request: Request, reg: Reg, who: Who
) -> JSONResponse:
    """One approval: a step of the approval chain, or the last, which decides. A decision
    approved by two approvers at once is approved once; the other gets 409."""
    user = who.need("decision.approve")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            secure.gate_decision(uow, user, "decision.approve", decision_id)
        decided = decide.approve(reg.uow(), decision_id, user.id, reg.clock, body.effective_at)
        return 200, views.decision_view(decided, reg.clock())

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.post("/{decision_id}/rescind")
def rescind(
    decision_id: str, body: ReasonBody, request: Request, reg: Reg, who: Who
) -> JSONResponse:
    user = who.need("decision.rescind")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            secure.gate_decision(uow, user, "decision.rescind", decision_id)
        done = decide.rescind(reg.uow(), decision_id, user.id, body.reason, reg.clock)
        return 200, views.decision_view(done, reg.clock())

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.post("/{decision_id}/ratify")
def ratify(
    decision_id: str, body: RatifyBody, request: Request, reg: Reg, who: Who
) -> JSONResponse:
    """The committee ratifies an emergency decision, or refuses it and the cover is restored."""
    user = who.need("decision.ratify")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            secure.gate_decision(uow, user, "decision.ratify", decision_id)
        done = emergencies.ratify(
            reg.uow(), decision_id, user.id, body.refuse, body.reason, reg.clock
        )
        return 200, views.decision_view(done, reg.clock())

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.get("/{decision_id}/receipt")
def receipt(decision_id: str, reg: Reg, who: Who) -> dict[str, Any]:
    """The decision's ledger receipt, checkable offline with the ledger's public key."""
    secure.read_decision(reg.uow(), who.need("decision.read"), decision_id, reg.clock())
    return ledger.receipt(reg.uow(), decision_id, reg.signer(), reg.clock())
