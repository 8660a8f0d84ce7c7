"""Proposing a decision, and approving one after seeing in full what it does."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import require
from hifazat.domain.decision import REDUCING, Action, Basis
from hifazat.domain.errors import InvalidInput, NotFound, Refusal
from hifazat.domain.words import N_
from hifazat.services import (
    decide,
    guarded,
    json_shapes,
)
from hifazat.serving.requests import Reg
from hifazat.web.desk_terms import change_phrase, field_of, span
from hifazat.web.forms import Field, Optional, local_input, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf
from hifazat.web.speech import speaker, spoken_error

router = APIRouter(include_in_schema=False)
#: the form's fields, where an invalid value's message is shown
FIELDS = frozenset(
    {"action", "protectee", "provider", "category", "basis", "reason_code", "reason"}
    | {"effective_at"}
)
#: what a field left empty is told
REQUIRED = {
    "action": N_("Choose the change to make"),
    "protectee": N_("Choose the protectee"),
    "provider": N_("Choose the provider"),
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
    errors: dict[str, list[Any]],
    status: int = 200,
) -> Response:
    with reg.uow() as uow:
        policy = uow.repo.policy()
        providers = [
            json_shapes.provider_view(p)
            for p in uow.repo.providers().values()
            if who.user.can_propose_for(p.id)
        ]
        people = sorted(uow.repo.protectees().values(), key=lambda p: p.name)
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
        bases=[b.value for b in Basis],
        reason_codes=policy.reason_codes,
    )


def _notice_refusal(
    action: str, typed: datetime | None, notice: timedelta, now: datetime
) -> dict[str, Any]:
    """R-NOTICE told with the reader's own times (the template renders them through local()):
    what was asked, and the earliest it may be unless it is an emergency."""
    if typed is not None and typed < now:
        return {"rule": "R-NOTICE", "kind": "past", "asked": typed, "now": now}
    return {
        "rule": "R-NOTICE",
        "kind": "notice",
        "action": action,
        "asked": typed,
        "earliest": now + notice,
        "span": span(notice),
    }


@router.post("/decide", response_class=HTMLResponse)
def decide_submit(
    request: Request,
    reg: Reg,
    who: Who,
    csrf_token: Field,
    action: Optional = "",
    protectee: Optional = "",
    provider: Optional = "",
    category: Optional = "",
    basis: Optional = "",
    reason_code: Optional = "",
    reason: Optional = "",
    effective_at: Optional = "",
    emergency: Optional = "",
) -> Response:
    check_csrf(who, csrf_token)
    require(who.user, "decision.propose")
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
    errors: dict[str, list[Any]] = {}
    for name, value in (("action", action), ("protectee", protectee), ("provider", provider)):
        if not value:
            errors[name] = [{"ask": REQUIRED[name]}]
    if errors:
        return _decide_page(request, reg, who, values, errors, status=422)
    zone = zone_of(reg.uow())
    typed: datetime | None = None
    try:
        typed = local_input(effective_at, zone)
        proposal = decide.proposal_of(
            action,
            protectee,
            provider,
            who.user.id,
            reason_code,
            reason,
            category,
            basis,
            bool(emergency),
            typed,
        )
        proposed = decide.propose(reg.uow(), proposal, reg.clock)
    except Refusal as refusal:
        with reg.uow() as uow:
            policy = uow.repo.policy()
        speak = speaker(request, who, policy.timezone)
        english = guarded.violations_for(reg.uow(), who.user, refusal.violations)
        spoken = guarded.violations_for(reg.uow(), who.user, refusal.violations, speak)
        for said, v in zip(english, spoken, strict=True):
            field = field_of(said["rule"], said["message"])
            shown: dict[str, Any] = dict(v)
            if v["rule"] == "R-NOTICE":
                shown = _notice_refusal(action, typed, policy.notice_period, reg.clock())
            elif field == "reason_code" and not reason_code:
                shown = {"rule": v["rule"], "kind": "code"}  # not the list of codes as ids
            errors.setdefault(field, []).append(shown)
        short = len(" ".join(reason.split())) < policy.min_reason_length
        if "reason_code" in errors and "reason" not in errors and short:
            errors["reason"] = [{"rule": "R-REASON", "short": policy.min_reason_length}]
        return _decide_page(request, reg, who, values, errors, status=422)
    except InvalidInput as error:
        field = error.field if error.field in FIELDS else "action"
        return _decide_page(
            request,
            reg,
            who,
            values,
            {field: [{"rule": "", "message": spoken_error(request, who, reg, error)}]},
            422,
        )
    except NotFound as error:
        field = error.kind if error.kind in FIELDS else "action"
        return _decide_page(
            request, reg, who, values, {field: [{"rule": "", "message": str(error)}]}, 422
        )
    except ValueError as error:
        return _decide_page(
            request, reg, who, values, {"action": [{"rule": "", "message": str(error)}]}, 422
        )
    return see_other(
        f"/protectees/{proposed.decision.protectee_id}?proposed={proposed.decision.id}"
    )


@router.get("/decisions/{decision_id}/approve", response_class=HTMLResponse)
def approve_confirm(request: Request, decision_id: str, reg: Reg, who: Who) -> Response:
    """What approving would do, said in full before anyone's cover is changed by a click."""
    return _confirm_page(request, reg, who, decision_id, [])


def _confirm_page(
    request: Request, reg: Reg, who: Who, decision_id: str, refused: list[dict[str, str]]
) -> Response:
    now = reg.clock()
    with reg.uow() as uow:
        guarded.gate_decision(uow, who.user, "decision.approve", decision_id)
        decision = uow.repo.decision(decision_id)
        person = uow.repo.protectee(decision.protectee_id)
        provider = uow.repo.provider(decision.provider_id)
        policy = uow.repo.policy()
        when = (
            decision.effective_at
            or decision.requested_effective_at
            or decide.default_effective(decision, uow, now)
        )
    category = next((c.name for c in provider.categories if c.id == decision.category_id), None)
    view = json_shapes.decision_view(decision, now)
    return render(
        request,
        "approve.html.j2",
        zone_of(reg.uow()),
        status=422 if refused else 200,
        who=who,
        d=view,
        person=person,
        provider=provider,
        category=category,
        reduces=decision.action in REDUCING,
        when=max(when, now),
        reason_text=policy.reason_codes.get(decision.reason_code),
        change=change_phrase(decision.action.value, category),
        open=view["state"] == "proposed",
        refused=refused,
    )


@router.post("/decisions/{decision_id}/approve", response_class=HTMLResponse)
def approve(request: Request, decision_id: str, reg: Reg, who: Who, csrf_token: Field) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        guarded.gate_decision(uow, who.user, "decision.approve", decision_id)
    try:
        decided = decide.approve(reg.uow(), decision_id, who.user.id, reg.clock)
    except Refusal as refusal:  # shown on the page, as this approver may read it
        speak = speaker(request, who, zone_of(reg.uow()))
        shown = guarded.violations_for(reg.uow(), who.user, refusal.violations, speak)
        return _confirm_page(request, reg, who, decision_id, shown)
    return see_other(f"/protectees/{decided.protectee_id}?approved={decided.id}")
