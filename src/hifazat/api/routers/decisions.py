"""Decisions: propose, approve, rescind, ratify; read one; its receipt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hifazat.api.deps import IDEMPOTENT, Reg, Who, idempotent
from hifazat.api.schemas import (
    ApproveBody,
    DecisionRead,
    DecisionView,
    ProposalBody,
    Proposed,
    RatifyBody,
    ReasonBody,
    Receipt,
)
from hifazat.domain.decision import Decision
from hifazat.services import decide, emergencies, guarded, json_shapes, ledger

router = APIRouter(prefix="/api/v1/decisions")


@router.post(
    "",
    status_code=201,
    response_model=Proposed,
    operation_id="decisions_propose",
    dependencies=[IDEMPOTENT],
    tags=["decisions"],
)
def propose(body: ProposalBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    """Proposes a decision; the acting user is the proposer."""
    user = who.need("decision.propose")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate(uow, user, "decision.propose", body.protectee, body.provider)
        proposal = decide.proposal_of(
            body.action,
            body.protectee,
            body.provider,
            user.id,
            body.reason_code,
            body.reason,
            body.category,
            body.basis,
            body.emergency,
            body.effective_at,
        )
        proposed = decide.propose(reg.uow(), proposal, reg.clock)
        needs = guarded.violations_for(reg.uow(), user, proposed.needs_committee)
        made = Proposed(
            decision=proposed.decision.id,
            state="proposed",
            needs_committee=[v["message"] for v in needs],
            steps=list(proposed.steps),
        )
        return 201, made.wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.get("/{decision_id}", operation_id="decisions_read", tags=["decisions"])
def read(decision_id: str, reg: Reg, who: Who) -> DecisionRead:
    found = guarded.read_decision(reg.uow(), who.need("decision.read"), decision_id, reg.clock())
    return DecisionRead.model_validate(found)


@router.post(
    "/{decision_id}/approve",
    response_model=DecisionView,
    operation_id="decisions_approve",
    dependencies=[IDEMPOTENT],
    tags=["decisions"],
)
def approve(
    decision_id: str, body: ApproveBody, request: Request, reg: Reg, who: Who
) -> JSONResponse:
    """One approval: a step of the approval chain, or the last, which decides. A decision
    approved by two approvers at once is approved once; the other gets 409."""
    user = who.need("decision.approve")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate_decision(uow, user, "decision.approve", decision_id)
        decided = decide.approve(reg.uow(), decision_id, user.id, reg.clock, body.effective_at)
        return 200, _view(decided, reg.clock()).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.post(
    "/{decision_id}/rescind",
    response_model=DecisionView,
    operation_id="decisions_rescind",
    dependencies=[IDEMPOTENT],
    tags=["decisions"],
)
def rescind(
    decision_id: str, body: ReasonBody, request: Request, reg: Reg, who: Who
) -> JSONResponse:
    user = who.need("decision.rescind")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate_decision(uow, user, "decision.rescind", decision_id)
        done = decide.rescind(reg.uow(), decision_id, user.id, body.reason, reg.clock)
        return 200, _view(done, reg.clock()).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.post(
    "/{decision_id}/ratify",
    response_model=DecisionView,
    operation_id="decisions_ratify",
    dependencies=[IDEMPOTENT],
    tags=["decisions"],
)
def ratify(
    decision_id: str, body: RatifyBody, request: Request, reg: Reg, who: Who
) -> JSONResponse:
    """The committee ratifies an emergency decision, or refuses it and the cover is restored."""
    user = who.need("decision.ratify")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate_decision(uow, user, "decision.ratify", decision_id)
        done = emergencies.ratify(
            reg.uow(), decision_id, user.id, body.refuse, body.reason, reg.clock
        )
        return 200, _view(done, reg.clock()).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.get("/{decision_id}/receipt", operation_id="decisions_receipt", tags=["decisions"])
def receipt(decision_id: str, reg: Reg, who: Who) -> Receipt:
    """The decision's ledger receipt, checkable offline with the ledger's public key."""
    guarded.read_decision(reg.uow(), who.need("decision.read"), decision_id, reg.clock())
    return Receipt.model_validate(ledger.receipt(reg.uow(), decision_id, reg.signer(), reg.clock()))


def _view(decision: Decision, now: datetime) -> DecisionView:
    """A decision as a write answers with it, through its model."""
    return DecisionView.model_validate(json_shapes.decision_view(decision, now))
