"""Proposing a decision, and approving one after seeing in full what it does."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import require
from hifazat.api.deps import Reg
from hifazat.domain.decision import REDUCING, Action, Basis
from hifazat.domain.errors import InvalidInput, Refusal
from hifazat.services import (
    decide,
    secure,
    views,
)
from hifazat.web.forms import Field, Optional, local_input, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf

router = APIRouter(include_in_schema=False)
#: where a refusal is shown on the decision form
RULE_FIELD = {
    "R-REASON": "reason",
    "R-NOTICE": "effective_at",
    "R-STATE": "action",
    "R-AUTHORITY": "form",
    "R-ENTITLEMENT": "action",
    "R-THREAT": "action",
}


@router.get("/decide", response_class=HTMLResponse)
def decide_form(
    request: Request, reg: Reg, who: Who, protectee: str = "", provider: str = ""
) -> Response:
    require(who.user, "decision.propose")
    return _decide_page(request, reg, who, {"protectee": protectee, "provider": provider}, {})


def _decide_page(
    request: Request,
    reg: Reg,
    who: Who,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    status: int = 200,
) -> Response:
    with reg.uow() as uow:
        policy = uow.repo.policy()
        providers = [
            views.provider_view(p)
            for p in uow.repo.providers().values()
            if who.user.can_propose_for(p.id)
        ]
        people = list(uow.repo.protectees().values())
    return render(
        request,
        "decide.html.j2",
        policy.timezone,
        status=status,
        who=who,
        values=values,
        errors=errors,
        providers=providers,
        people=people,
        actions=[a.value for a in Action],
        reason_codes=policy.reason_codes,
    )


@router.post("/decide", response_class=HTMLResponse)
def decide_submit(
    request: Request,
    reg: Reg,
    who: Who,
    csrf_token: Field,
    action: Field,
    protectee: Field,
    provider: Field,
    category: Optional = "",
    basis: Optional = "",
    reason_code: Optional = "",
    reason: Optional = "",
    effective_at: Optional = "",
    emergency: Optional = "",
) -> Response:
    check_csrf(who, csrf_token)
    values = {
        "action": action,
        "protectee": protectee,
        "provider": provider,
        "category": category,
        "basis": basis,
        "reason_code": reason_code,
        "reason": reason,
        "effective_at": effective_at,
        "emergency": bool(emergency),
    }
    try:
        require(who.user, "decision.propose")
        proposal = decide.Proposal(
            action=Action(action),
            protectee=protectee,
            provider=provider,
            reason_code=reason_code,
            reason=reason,
            by=who.user.id,
            category=category or None,
            basis=Basis(basis) if basis else (Basis.POSITIONAL if action == "grant" else None),
            emergency=bool(emergency),
            effective_at=local_input(effective_at, zone_of(reg.uow())),
        )
        proposed = decide.propose(reg.uow(), proposal, reg.clock)
    except Refusal as refusal:
        errors: dict[str, list[str]] = {}
        for v in secure.violations_for(reg.uow(), who.user, refusal.violations):
            errors.setdefault(RULE_FIELD.get(v["rule"], "form"), []).append(
                f"{v['rule']}: {v['message']}"
            )
        return _decide_page(request, reg, who, values, errors, status=422)
    except InvalidInput as error:
        return _decide_page(request, reg, who, values, {error.field: [error.message]}, 422)
    except ValueError as error:
        return _decide_page(request, reg, who, values, {"action": [str(error)]}, 422)
    return see_other(
        f"/protectees/{proposed.decision.protectee_id}?proposed={proposed.decision.id}"
    )


@router.get("/decisions/{decision_id}/approve", response_class=HTMLResponse)
def approve_confirm(request: Request, decision_id: str, reg: Reg, who: Who) -> Response:
    """What approving would do, said in full before anyone's cover is changed by a click."""
    now = reg.clock()
    with reg.uow() as uow:
        secure.gate_decision(uow, who.user, "decision.approve", decision_id)
        decision = uow.repo.decision(decision_id)
        person = uow.repo.protectee(decision.protectee_id)
        provider = uow.repo.provider(decision.provider_id)
    category = next((c.name for c in provider.categories if c.id == decision.category_id), None)
    return render(
        request,
        "approve.html.j2",
        zone_of(reg.uow()),
        who=who,
        d=views.decision_view(decision, now),
        person=person,
        provider=provider,
        category=category,
        reduces=decision.action in REDUCING,
    )


@router.post("/decisions/{decision_id}/approve")
def approve(decision_id: str, reg: Reg, who: Who, csrf_token: Field) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        secure.gate_decision(uow, who.user, "decision.approve", decision_id)
    try:
        decided = decide.approve(reg.uow(), decision_id, who.user.id, reg.clock)
    except Refusal as refusal:  # its messages as this approver may read them
        raise secure.refusal_for(reg.uow(), who.user, refusal) from None
    return see_other(f"/protectees/{decided.protectee_id}?approved={decided.id}")
