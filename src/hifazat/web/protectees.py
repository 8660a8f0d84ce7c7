"""The protectees: the list, one person's cover, notices and timeline, receipts and
notices sent again."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from hifazat.access.guard import Facts, allowed
from hifazat.domain import notice
from hifazat.domain.errors import InvalidInput
from hifazat.domain.rules.appeals import APPEALABLE
from hifazat.domain.times import local_text, parse_instant, utc_text
from hifazat.domain.users import User
from hifazat.i18n import words
from hifazat.ledger.cosignature import witnessed_by
from hifazat.services import (
    events,
    guarded,
    history,
    json_shapes,
    ledger,
    witnessing,
)
from hifazat.services.notices import requeue as requeue_notice
from hifazat.serving.requests import Reg
from hifazat.web.forms import Field, local_input, see_other
from hifazat.web.pages import bdi, render, zone_of
from hifazat.web.session import Who, check_csrf
from hifazat.web.speech import speaker

router = APIRouter(include_in_schema=False)


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
    """The protectee's home: cover now, what is about to change, their notices (a protectee or
    liaison reads only their own copy), and what happened, in order."""
    zone = zone_of(reg.uow())
    now = reg.clock()
    errors: dict[str, list[str]] = {}
    speak = speaker(request, who, zone)
    try:
        when = local_input(at, zone, "at") or now
    except InvalidInput as error:
        errors["at"], when = [speak(error.said or error.message)], now
    status = guarded.read_status(reg.uow(), who.user, pid, when, speak)
    person = guarded.read_protectee(reg.uow(), who.user, pid)
    decisions = guarded.read_decisions(reg.uow(), who.user, pid, now)
    notices = own_copies(who.user, pid, guarded.read_notices(reg.uow(), who.user, pid))
    vouching = witnessing.witnesses(reg.uow(), {})
    for n in notices:  # whether the change is still ahead, for the headline's tense
        n["ahead"] = parse_instant(n["effective_at"], "effective_at") > now
        # and whether its receipt's checkpoint was shown to the policy's witnesses
        receipt = n.get("receipt")
        n["witnessed_by"] = witnessed_by(receipt["checkpoint"], vouching.keys) if receipt else ()
    facts = guarded.facts_for_page(reg.uow(), pid)
    with reg.uow() as uow:
        reports = [json_shapes.report_view(r) for r in uow.repo.discrepancies(pid)]
        appealed = {a.decision_id: json_shapes.appeal_view(a) for a in uow.repo.appeals(pid)}
    cover_history = history.cover_history(reg.uow(), who.user, pid, now)
    said = events.of_protectee(reg.uow(), who.user.id, pid)
    by_id = {d["decision"]: d for d in decisions}
    timeline = sorted(
        [{"at": d["proposed_at"], "kind": "decision", "item": d} for d in decisions]
        + [{"at": r["observed_at"], "kind": "report", "item": r} for r in reports]
        + [{"at": a["lodged_at"], "kind": "appeal", "item": a} for a in appealed.values()]
        + [{"at": utc_text(e.at), "kind": "event", "item": e} for e in said],
        key=lambda e: e["at"],
        reverse=True,
    )
    lodging = may_lodge(who.user, pid, facts)
    on_duty = guarded.read_on_duty(reg.uow(), who.user, pid, now)
    return render(
        request,
        "protectee.html.j2",
        zone,
        status=422 if errors else 200,
        who=who,
        person=person,
        cover=status,
        cover_history=cover_history,
        on_duty=on_duty,
        timeline=timeline,
        notices=notices,
        appealable={d for d, v in by_id.items() if lodging and appealable(v) and d not in appealed},
        appeals=appealed,
        at=at,
        errors=errors,
        past=when != now,
        now=now,
        may_requeue=allowed(who.user, "notice.requeue", facts),
        # flags call staff to act (and name their tools); the protectee reads his notices
        staff=is_staff(who.user),
        quorum=vouching.quorum,
        may_report=allowed(who.user, "report.file", facts),
        # what the user just did, said back to them (only of decisions on this page)
        done={"proposed": by_id.get(proposed), "approved": by_id.get(approved)},
        change=change_of,
        headline=headline_of,
        coming=lambda names, d: coming_body(names, pid, d, zone),
    )


def own_copies(user: User, pid: str, notices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The copies a reader sees: a protectee their own, a liaison theirs; staff every copy
    (to see what each recipient was told). Newest first."""
    staff = is_staff(user)
    if user.protectee_id == pid and not staff:
        notices = [n for n in notices if n["recipient_kind"] == "protectee"]
    elif not staff:
        notices = [n for n in notices if n["recipient"] == user.id]
    return sorted(notices, key=lambda n: n["created_at"], reverse=True)


def is_staff(user: User) -> bool:
    """Anyone with a role beyond the protectee's and the liaison's."""
    return any(r not in ("protectee", "liaison") for r in user.roles)


def may_lodge(user: User, pid: str, facts: Facts) -> bool:
    """Whether this reader may appeal for this protectee: themself, or a liaison they named."""
    return allowed(user, "appeal.lodge", facts) and (
        user.protectee_id == pid or user.id in facts.liaisons
    )


def appealable(decision: dict[str, Any]) -> bool:
    """A decision made (approved, or in effect) can be appealed; once, and not a proposal."""
    return decision["state"] in APPEALABLE and decision["appeal"] is None


def change_of(
    lang: str, zone: str, action: str, person: str, category: str | None, past: bool = False
) -> Markup:
    """A change in the reader's words: "withdraw cover from Farooq Sattar", each name isolated
    in its own direction (a name is free text, often Urdu)."""
    phrase = words(lang, zone).gettext(notice.change_phrase(action, category, past))
    return Markup.escape(phrase).format(person=bdi(person), category=bdi(category or ""))


def headline_of(lang: str, zone: str, body: dict[str, Any], ahead: bool) -> str:
    """A notice's headline in the reader's language (the body holds the recipient's)."""
    return notice.headline(body, ahead, words(lang, zone))


def coming_body(
    names: Any, pid: str, d: dict[str, Any], zone: str, subject: str = "decision"
) -> dict[str, Any]:
    """What `notice.headline` needs to say a coming change, from a pending decision."""
    effect = d.get("effective_at")
    return {
        "subject": subject,
        "action": d["action"],
        "provider_name": names.provider(d["provider"]),
        "protectee_name": names.person(pid),
        "new_category_name": names.category(d["provider"], d.get("category"))
        if d.get("category")
        else None,
        "effective_local": local_text(parse_instant(effect, "effective_at"), zone)
        if effect
        else None,
    }


@router.get("/decisions/{decision_id}/receipt.json")
def receipt(decision_id: str, reg: Reg, who: Who) -> Response:
    guarded.read_decision(reg.uow(), who.user, decision_id, reg.clock())
    with reg.uow() as uow:
        found = ledger.receipt_if_covered(uow, decision_id)
    if found is None:
        raise InvalidInput("receipt", "no checkpoint covers this decision yet; try again shortly")
    return Response(
        json.dumps(found, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{decision_id}.json"'},
    )


@router.post("/notices/{notice_id}/requeue")
def notice_requeue(
    notice_id: str, reg: Reg, who: Who, csrf_token: Field, reason: Field
) -> Response:
    """A desk sends a dead notice again, with the reason; ledgered, as on the command line."""
    check_csrf(who, csrf_token)
    requeue_notice(reg.uow(), notice_id, who.user.id, reason, reg.clock())
    with reg.uow() as uow:
        protectee = uow.outbox.notice_protectee(notice_id)
    return see_other(f"/protectees/{protectee}?requeued={notice_id}")
