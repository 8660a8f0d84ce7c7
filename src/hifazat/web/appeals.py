"""Appeals: lodged by a protectee or their liaison from the notice (the decision filled in),
ruled on by the committee with its reasons; each step said back to whoever took it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import Forbidden, allowed, may_ever
from hifazat.domain.appeal import AppealOutcome
from hifazat.domain.decision import REDUCING
from hifazat.domain.errors import Conflict, InvalidInput, NotFound, Refusal
from hifazat.domain.words import N_
from hifazat.i18n import translator
from hifazat.services import (
    appeals,
    guarded,
    json_shapes,
)
from hifazat.serving.requests import Reg
from hifazat.web.forms import Field, Optional, see_other
from hifazat.web.pages import language_for, render, zone_of
from hifazat.web.protectees import appealable, change_of, may_lodge
from hifazat.web.session import Visitor, Who, check_csrf
from hifazat.web.speech import speaker

router = APIRouter(include_in_schema=False)


@router.get("/appeals", response_class=HTMLResponse)
def appeal_page(
    request: Request, reg: Reg, who: Who, decision: str = "", lodged: str = "", ruled: str = ""
) -> Response:
    if not (may_ever(who.user, "appeal.read") or may_ever(who.user, "appeal.lodge")):
        raise Forbidden("appeals are read by oversight and by those they concern")
    if decision:  # the link a notice carries: the form, with that decision filled in
        return see_other(f"/appeals/new?decision={decision}")
    return _list_page(request, reg, who, lodged=lodged, ruled=ruled)


def _list_page(
    request: Request,
    reg: Reg,
    who: Visitor,
    lodged: str = "",
    ruled: str = "",
    errors: dict[str, list[str]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    now = reg.clock()
    with reg.uow() as uow:
        found = []
        for a in uow.repo.appeals():
            if not allowed(who.user, "appeal.read", guarded.facts_for(uow, a.protectee_id)):
                continue
            d = uow.repo.decision(a.decision_id)
            found.append({**json_shapes.appeal_view(a), "d": json_shapes.decision_view(d, now)})
    found.sort(key=lambda a: (a["outcome"] is not None, a["lodged_at"]), reverse=False)
    return render(
        request,
        "appeals.html.j2",
        zone_of(reg.uow()),
        status=status,
        who=who,
        appeals=found,
        lodged=next((a for a in found if a["appeal"] == lodged), None),
        ruled=next((a for a in found if a["appeal"] == ruled), None),
        can_decide=allowed(who.user, "appeal.decide"),
        errors=errors or {},
        values=values or {},
        change=change_of,
    )


@router.get("/appeals/new", response_class=HTMLResponse)
def appeal_form(request: Request, reg: Reg, who: Who, decision: str) -> Response:
    """The appellant's form: the decision in words, the deadline, their grounds."""
    return _form(request, reg, who, decision, "", {})


def _form(
    request: Request,
    reg: Reg,
    who: Visitor,
    decision_id: str,
    grounds: str,
    errors: dict[str, list[str]],
    status: int = 200,
) -> Response:
    now = reg.clock()
    with reg.uow() as uow:
        facts = guarded.gate_decision(uow, who.user, "appeal.lodge", decision_id)
        decision = uow.repo.decision(decision_id)
        d = json_shapes.decision_view(decision, now)
        earlier = uow.repo.appeals(decision_id=decision_id)
        within = uow.repo.policy().appeal_decide_within
    if not may_lodge(who.user, decision.protectee_id, facts):
        raise Forbidden("only the protectee, or a liaison they named, may appeal for them")
    effect = decision.takes_effect_at or decision.effective_at
    waits = decision.action in REDUCING and effect is not None and effect > now
    return render(
        request,
        "appeal_new.html.j2",
        zone_of(reg.uow()),
        status=status,
        who=who,
        d=d,
        open=appealable(d) and not earlier,
        earlier=json_shapes.appeal_view(earlier[0]) if earlier else None,
        deadline=effect if waits else None,
        within_days=max(1, round(within.total_seconds() / 86400)),
        grounds=grounds,
        errors=errors,
        change=change_of,
    )


@router.post("/appeals", response_class=HTMLResponse)
def appeal_lodge(
    request: Request, reg: Reg, who: Who, csrf_token: Field, decision: Field, grounds: Optional = ""
) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        facts = guarded.gate_decision(uow, who.user, "appeal.lodge", decision)
        protectee = uow.repo.decision(decision).protectee_id
    errors: dict[str, list[str]] = {}
    if not may_lodge(who.user, protectee, facts):
        raise Forbidden("only the protectee, or a liaison they named, may appeal for them")
    speak = speaker(request, who, zone_of(reg.uow()))
    try:
        lodged = appeals.lodge(reg.uow(), decision, who.user.id, grounds, reg.clock)
    except Refusal as refusal:
        for v in guarded.violations_for(reg.uow(), who.user, refusal.violations, speak):
            field = "grounds" if v["rule"] == "R-REASON" else "form"
            errors.setdefault(field, []).append(f"{v['rule']}: {v['message']}")
    except (InvalidInput, Conflict) as error:
        errors.setdefault("grounds" if isinstance(error, InvalidInput) else "form", []).append(
            speak(error.said or error.message) if isinstance(error, InvalidInput) else str(error)
        )
    if errors:
        return _form(request, reg, who, decision, grounds, errors, 422)
    return see_other(f"/appeals?lodged={lodged.id}")


@router.post("/appeals/{appeal_id}/decide", response_class=HTMLResponse)
def appeal_decide(
    request: Request,
    appeal_id: str,
    reg: Reg,
    who: Who,
    csrf_token: Field,
    outcome: Optional = "",
    reason: Optional = "",
) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        guarded.gate_appeal(uow, who.user, "appeal.decide", appeal_id)
    errors: dict[str, list[str]] = {}
    speak = speaker(request, who, zone_of(reg.uow()))
    try:
        appeals.decide_appeal(
            reg.uow(), appeal_id, AppealOutcome(outcome), reason, who.user.id, reg.clock
        )
    except ValueError:
        errors[f"outcome-{appeal_id}"] = [_choose(request, who)]
    except Refusal as refusal:
        for v in guarded.violations_for(reg.uow(), who.user, refusal.violations, speak):
            field = f"reason-{appeal_id}" if v["rule"] == "R-REASON" else f"outcome-{appeal_id}"
            errors.setdefault(field, []).append(f"{v['rule']}: {v['message']}")
    except InvalidInput as error:
        errors[f"reason-{appeal_id}"] = [speak(error.said or error.message)]
    except (Conflict, NotFound) as error:
        errors[f"outcome-{appeal_id}"] = [str(error)]
    if errors:
        values: dict[str, Any] = {f"outcome-{appeal_id}": outcome, f"reason-{appeal_id}": reason}
        return _list_page(request, reg, who, errors=errors, values=values, status=422)
    return see_other(f"/appeals?ruled={appeal_id}")


#: the refusal of a ruling with no outcome chosen
CHOOSE = N_("Choose the committee's ruling")


def _choose(request: Request, who: Visitor) -> str:
    return translator(language_for(request, who)).gettext(CHOOSE)
