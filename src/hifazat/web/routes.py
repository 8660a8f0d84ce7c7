"""The pages. Each reads through the same guarded service functions as the API, and writes
through the same use cases: nothing here decides who may see or do what."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hifazat.access.guard import Facts, allowed, require
from hifazat.api.deps import SESSION_COOKIE, Reg, Registry
from hifazat.domain.appeal import AppealOutcome
from hifazat.domain.decision import REDUCING, Action, Basis
from hifazat.domain.errors import DomainError, InvalidInput, Refusal
from hifazat.domain.times import require_aware
from hifazat.services import (
    appeals,
    audits,
    auth,
    decide,
    ledger,
    oversight,
    registry_entries,
    reviews,
    secure,
    views,
)
from hifazat.services.notices import requeue as requeue_notice
from hifazat.services.verify import verify_beside_key
from hifazat.store import ledger_store, outbox_store
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form()]
Optional = Annotated[str, Form()]
#: where a refusal is shown on the decision form
RULE_FIELD = {
    "R-REASON": "reason",
    "R-NOTICE": "effective_at",
    "R-STATE": "action",
    "R-AUTHORITY": "form",
    "R-ENTITLEMENT": "action",
    "R-THREAT": "action",
}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _local_input(text: str, zone: str, field: str = "effective_at") -> datetime | None:
    """A datetime-local field: wall time where the policy applies, within the registry's range."""
    if not text:
        return None
    try:
        wall = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date and time") from None
    return require_aware(wall.replace(tzinfo=ZoneInfo(zone)), field)


# --- signing in ------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, reg: Reg, next: str = "/") -> Response:
    return render(request, "login.html.j2", zone_of(reg.uow()), next=next, error=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request, reg: Reg, user: Field, password: Field, next: Optional = "/"
) -> Response:
    try:
        session = auth.login(
            reg.uow(), user, password, reg.clock(), timedelta(hours=reg.settings.session_hours)
        )
    except DomainError as error:
        return render(
            request, "login.html.j2", zone_of(reg.uow()), status=401, next=next, error=str(error)
        )
    # only a path on this site: not //host, nor /\host, which browsers read as another site
    target = next if next.startswith("/") and next[1:2] not in ("/", "\\") else "/"
    response = _see_other(target)
    response.set_cookie(
        SESSION_COOKIE,
        session.secret,
        httponly=True,
        samesite="strict",
        secure=reg.settings.secure_cookies,
        path="/",
        max_age=reg.settings.session_hours * 3600,
    )
    return response


@router.post("/logout")
def logout(reg: Reg, who: Who, csrf_token: Field) -> Response:
    check_csrf(who, csrf_token)
    auth.logout(reg.uow(), who.secret, reg.clock())
    response = _see_other("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- the dashboard ---------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, reg: Reg, who: Who) -> Response:
    now, user = reg.clock(), who.user
    flags = secure.read_flags(reg.uow(), user, now) if allowed(user, "flag.read") else []
    due = (
        [views.review_view(r) for r in oversight.reviews_due(reg.uow(), now, timedelta(days=30))]
        if allowed(user, "review.due")
        else []
    )
    waiting, recent = secure.decision_queues(reg.uow(), user, now)
    return render(
        request,
        "dashboard.html.j2",
        zone_of(reg.uow()),
        who=who,
        flags=flags,
        waiting=waiting,
        due=due,
        recent=recent,
    )


# --- protectees ------------------------------------------------------------------------
@router.get("/protectees", response_class=HTMLResponse)
def protectee_list(request: Request, reg: Reg, who: Who) -> Response:
    people = secure.list_protectees(reg.uow(), who.user)
    return render(request, "protectees.html.j2", zone_of(reg.uow()), who=who, people=people)


@router.get("/protectees/{pid}", response_class=HTMLResponse)
def protectee_page(
    request: Request,
    pid: str,
    reg: Reg,
    who: Who,
    at: str = "",
    proposed: str = "",
    approved: str = "",
) -> Response:
    zone = zone_of(reg.uow())
    now = reg.clock()
    when = _local_input(at, zone, "at") or now
    status = secure.read_status(reg.uow(), who.user, pid, when)
    person = secure.read_protectee(reg.uow(), who.user, pid)
    decisions = secure.read_decisions(reg.uow(), who.user, pid, now)
    notices = secure.read_notices(reg.uow(), who.user, pid)
    with reg.uow() as uow:
        reports = [views.report_view(r) for r in uow.repo.discrepancies(pid)]
    timeline = sorted(
        [{"at": d["proposed_at"], "kind": "decision", "item": d} for d in decisions]
        + [{"at": r["observed_at"], "kind": "report", "item": r} for r in reports],
        key=lambda e: e["at"],
        reverse=True,
    )
    return render(
        request,
        "protectee.html.j2",
        zone,
        who=who,
        person=person,
        cover=status,
        timeline=timeline,
        notices=notices,
        at=at,
        past=when != now,
        may_requeue=allowed(who.user, "notice.requeue", secure.facts_for_page(reg.uow(), pid)),
        # what the user just did, said back to them (only of decisions on this page)
        done={
            "proposed": next((d for d in decisions if d["decision"] == proposed), None),
            "approved": next((d for d in decisions if d["decision"] == approved), None),
        },
        provider_names=_provider_names(reg),
    )


def _provider_names(reg: Registry) -> dict[str, str]:
    with reg.uow().reading() as uow:
        return {p.id: p.name for p in uow.repo.providers().values()}


@router.get("/decisions/{decision_id}/receipt.json")
def receipt(decision_id: str, reg: Reg, who: Who) -> Response:
    secure.read_decision(reg.uow(), who.user, decision_id, reg.clock())
    with reg.uow() as uow:
        found = ledger.receipt_if_covered(uow, decision_id)
    if found is None:
        raise InvalidInput("receipt", "no checkpoint covers this decision yet; try again shortly")
    return Response(
        json.dumps(found, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{decision_id}.json"'},
    )


# --- deciding --------------------------------------------------------------------------------
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
            effective_at=_local_input(effective_at, zone_of(reg.uow())),
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
    return _see_other(
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
    return _see_other(f"/protectees/{decided.protectee_id}?approved={decided.id}")


@router.post("/notices/{notice_id}/requeue")
def notice_requeue(
    notice_id: str, reg: Reg, who: Who, csrf_token: Field, reason: Field
) -> Response:
    """A desk sends a dead notice again, with the reason; ledgered, as on the command line."""
    check_csrf(who, csrf_token)
    requeue_notice(reg.uow(), notice_id, who.user.id, reason, reg.clock())
    with reg.uow() as uow:
        protectee = outbox_store.notice_protectee(uow.connection, notice_id)
    return _see_other(f"/protectees/{protectee}?requeued={notice_id}")


# --- reviews, appeals, ground reports ------------------------------------------------------
@router.get("/reviews", response_class=HTMLResponse)
def review_queue(request: Request, reg: Reg, who: Who) -> Response:
    require(who.user, "review.due")
    queue = oversight.reviews_due(reg.uow(), reg.clock(), timedelta(days=30))
    return render(
        request,
        "reviews.html.j2",
        zone_of(reg.uow()),
        who=who,
        queue=[views.review_view(q) for q in queue],
        error=None,
    )


@router.post("/reviews")
def review_confirm(
    reg: Reg, who: Who, csrf_token: Field, coverage: Field, reason: Field
) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        secure.gate_decision(uow, who.user, "review.record", coverage)
    reviews.review(reg.uow(), coverage, "confirmed", reason, who.user.id, reg.clock)
    return _see_other("/reviews")


@router.get("/appeals", response_class=HTMLResponse)
def appeal_page(request: Request, reg: Reg, who: Who, decision: str = "") -> Response:
    with reg.uow() as uow:
        found = [
            views.appeal_view(a)
            for a in uow.repo.appeals()
            if allowed(who.user, "appeal.read", secure.facts_for(uow, a.protectee_id))
        ]
    return render(
        request,
        "appeals.html.j2",
        zone_of(reg.uow()),
        who=who,
        appeals=found,
        decision=decision,
        # whether they may appeal for someone at all: a protectee's login, or a liaison (each
        # appeal is then judged for the protectee it concerns)
        can_lodge=allowed(who.user, "appeal.lodge", Facts(liaisons=frozenset({who.user.id}))),
        can_decide=allowed(who.user, "appeal.decide"),
    )


@router.post("/appeals")
def appeal_lodge(
    reg: Reg, who: Who, csrf_token: Field, decision: Field, grounds: Field
) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        secure.gate_decision(uow, who.user, "appeal.lodge", decision)
    appeals.lodge(reg.uow(), decision, who.user.id, grounds, reg.clock)
    return _see_other("/appeals")


@router.post("/appeals/{appeal_id}/decide")
def appeal_decide(
    appeal_id: str, reg: Reg, who: Who, csrf_token: Field, outcome: Field, reason: Field
) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        secure.gate_appeal(uow, who.user, "appeal.decide", appeal_id)
    appeals.decide_appeal(
        reg.uow(), appeal_id, AppealOutcome(outcome), reason, who.user.id, reg.clock
    )
    return _see_other("/appeals")


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, reg: Reg, who: Who, protectee: str = "") -> Response:
    people = secure.list_protectees(reg.uow(), who.user)
    with reg.uow() as uow:
        providers = list(uow.repo.providers())
    return render(
        request,
        "report.html.j2",
        zone_of(reg.uow()),
        who=who,
        people=people,
        providers=providers,
        protectee=protectee,
        error=None,
        done=None,
    )


@router.post("/report", response_class=HTMLResponse)
def report_submit(
    request: Request,
    reg: Reg,
    who: Who,
    csrf_token: Field,
    protectee: Field,
    provider: Field,
    text: Field,
    observed_at: Optional = "",
) -> Response:
    check_csrf(who, csrf_token)
    zone = zone_of(reg.uow())
    people = secure.list_protectees(reg.uow(), who.user)
    with reg.uow() as uow:
        providers = list(uow.repo.providers())
    try:
        with reg.uow() as uow:  # a liaison files for the protectees who named them
            secure.gate(uow, who.user, "report.file", protectee)
        when = _local_input(observed_at, zone, "observed_at") or reg.clock()
        filed = registry_entries.report_discrepancy(
            reg.uow(),
            registry_entries.NewReport(protectee, provider, who.user.id, when, text),
            reg.clock,
        )
    except (Refusal, InvalidInput) as error:
        return render(
            request,
            "report.html.j2",
            zone,
            status=422,
            who=who,
            people=people,
            providers=providers,
            protectee=protectee,
            error=str(error),
            done=None,
        )
    return render(
        request,
        "report.html.j2",
        zone,
        who=who,
        people=people,
        providers=providers,
        protectee=protectee,
        error=None,
        done=filed.id,
    )


# --- capacity and the ledger ---------------------------------------------------------------
@router.get("/capacity", response_class=HTMLResponse)
def capacity_page(request: Request, reg: Reg, who: Who) -> Response:
    require(who.user, "capacity.read")
    found = [c.as_dict() for c in audits.capacity_at(reg.uow(), reg.clock())]
    return render(request, "capacity.html.j2", zone_of(reg.uow()), who=who, providers=found)


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, reg: Reg, who: Who, check: str = "") -> Response:
    require(who.user, "ledger.read")
    with reg.uow() as uow:
        latest = ledger_store.latest_checkpoint(uow.connection)
        size = ledger_store.tree_size(uow.connection)
    verifier = reg.signer().verifier()
    mine = check and allowed(who.user, "ledger.checkpoint")
    report = verify_beside_key(reg.engine, verifier, reg.settings.key_path()) if mine else None
    return render(
        request,
        "ledger.html.j2",
        zone_of(reg.uow()),
        who=who,
        latest=latest,
        size=size,
        public_key=verifier.text(),
        report=report,
        can_check=allowed(who.user, "ledger.checkpoint"),
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, reg: Reg, who: Who, days: int = 365) -> Response:
    require(who.user, "audit.read")
    now = reg.clock()
    span = timedelta(days=min(max(days, 1), 3650))
    result = audits.fairness(reg.uow(), now - span, now, now)
    return render(
        request, "audit.html.j2", zone_of(reg.uow()), who=who, audit=result, days=span.days
    )
