"""Notices: what a protectee and their consenting liaisons are told about a change.

Every word a notice says is in this module, so that every channel (the outbox, e-mail,
webhooks, the protectee's page) tells the same thing and a translation has one place to wrap:
whom it is about, what changes (from and to, by name), when (local time and UTC), why (the
reason code in words and the reason verbatim), who decided (name and office), how to act (the
appeal page, the date to act by, the desk's contact), and what it amends. The text is English
only for now; the interface's Urdu and English catalogs wrap these functions later.

The body is composed once, when the change is made, and entered in the ledger by its hash;
the e-mail's text and subject are rendered from the body alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from hifazat.domain.coverage import Cover
from hifazat.domain.decision import REDUCING, Action, Decision
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Protectee
from hifazat.domain.provider import Provider
from hifazat.domain.times import format_duration, local_date, local_text, utc_text
from hifazat.domain.users import User

#: what a notice tells of (the `subject` column)
SUBJECTS = ("decision", "rescission", "appeal-lodged", "appeal", "ratification")


@dataclass(frozen=True)
class Notice:
    id: str
    subject: str  # one of SUBJECTS
    subject_id: str
    decision_id: str
    protectee_id: str
    recipient: str
    recipient_kind: str  # protectee | liaison
    created_at: datetime
    body: dict[str, Any]
    state: str = "pending"


@dataclass(frozen=True)
class Context:
    """What the words need beyond the decision: names, and where a person can act."""

    protectee: Protectee
    provider: Provider
    policy: Policy
    #: the users the notice names (proposer, decider, whoever rescinded, ruled, lodged)
    people: Mapping[str, User]
    #: the web registry's address (HIFAZAT_PUBLIC_URL), for the appeal link; None: no link
    public_url: str | None
    now: datetime


def recipients(protectee: Protectee) -> list[tuple[str, str]]:
    """The protectee (addressed by their record, whatever logins they have: the worker sends to
    the channels of the record and of every one of their logins) and each consenting liaison."""
    return [(protectee.id, "protectee")] + [(liaison, "liaison") for liaison in protectee.liaisons]


# --- the body --------------------------------------------------------------------------------
_VERB = {
    Action.GRANT: ("grant cover to {p}", "granted cover to {p}"),
    Action.UPGRADE: ("upgrade the cover of {p}", "upgraded the cover of {p}"),
    Action.DOWNGRADE: ("downgrade the cover of {p}", "downgraded the cover of {p}"),
    Action.SUSPEND: ("suspend the cover of {p}", "suspended the cover of {p}"),
    Action.RESUME: ("resume the cover of {p}", "resumed the cover of {p}"),
    Action.WITHDRAW: ("withdraw cover from {p}", "withdrew cover from {p}"),
}


def _span(delta: timedelta) -> str:
    """14 days, 36 hours: a period as a person reads it."""
    if delta.total_seconds() % 86400 == 0:
        days = delta.days
        return f"{days} day" if days == 1 else f"{days} days"
    hours = delta.total_seconds() / 3600
    return f"{hours:g} hours" if hours >= 1 else format_duration(delta)


def day_text(day: date) -> str:
    """31 Jan 2026: a date no reader can take for another (no 01/02 ambiguity)."""
    return f"{day.day} {day:%b %Y}"


def decision_body(
    decision: Decision,
    before: Cover | None,
    ctx: Context,
    subject: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The notice's content, as data with its words: ids for machines beside names for people."""
    assert decision.effective_at is not None
    assert subject in SUBJECTS, subject
    zone = ctx.policy.timezone
    effect = decision.takes_effect_at or decision.effective_at
    new = _new_category(decision, before)
    old = before.category_id if before and before.open else None
    extra = dict(extra or {})
    body: dict[str, Any] = {
        "subject": subject,
        "decision": decision.id,
        "action": decision.action.value,
        "protectee": ctx.protectee.id,
        "protectee_name": ctx.protectee.name,
        "provider": decision.provider_id,
        "provider_name": ctx.provider.name,
        "old_category": old,
        "old_category_name": _category_name(ctx.provider, old),
        "new_category": new,
        "new_category_name": _category_name(ctx.provider, new),
        "effective_at": utc_text(effect),
        "effective_local": local_text(effect, zone),
        "emergency": decision.emergency,
        "reason_code": decision.reason_code,
        "reason_code_text": ctx.policy.reason_codes.get(decision.reason_code),
        "reason": decision.reason,
        "proposed_by": decision.proposed_by,
        "proposed_by_name": _name(ctx, decision.proposed_by),
        "decided_by": decision.approved_by,
        "decided_by_name": _name(ctx, decision.approved_by),
        "decided_by_office": _office(ctx, decision.approved_by),
        "decided_at": utc_text(decision.decided_at) if decision.decided_at else None,
        "decided_local": local_text(decision.decided_at, zone) if decision.decided_at else None,
        "desk_contact": ctx.policy.desk_contacts.get(decision.provider_id),
        **extra,
    }
    for key in ("rescinded_by", "lodged_by", "appeal_decided_by", "ratified_by"):
        if extra.get(key):
            body[f"{key}_name"] = _name(ctx, extra[key])
    body.update(_how_to_act(decision, ctx, subject, effect))
    body["headline"] = headline(body, effect > ctx.now)
    return body


def _how_to_act(decision: Decision, ctx: Context, subject: str, effect: datetime) -> dict[str, Any]:
    """The appeal link (the web page, with the decision filled in), the date to act by, and
    the words saying so. A reduction appealed before it takes effect waits for the committee,
    so its effective date is the date to act by; the committee rules within the policy's time."""
    zone = ctx.policy.timezone
    url = f"{ctx.public_url}/appeals?decision={decision.id}" if ctx.public_url else None
    act_by = effect if decision.action in REDUCING and effect > ctx.now else None
    within = _span(ctx.policy.appeal_decide_within)
    contact = ctx.policy.desk_contacts.get(decision.provider_id)
    desk = f"your security desk ({contact})" if contact else "your security desk"
    if subject in ("decision", "ratification"):
        where = f"on the appeal page, {url}, or through {desk}" if url else f"through {desk}"
        text = f"You, or a liaison acting with your consent, may appeal to the committee {where}."
        if act_by is not None:
            text += (
                f" Appeal by {local_text(act_by, zone)} ({day_text(local_date(act_by, zone))}) "
                f"and the change waits for the committee's ruling."
            )
        text += f" The committee must rule within {within} of an appeal."
    elif subject == "appeal-lodged":
        text = f"The committee must rule within {within}; you will be told of its ruling."
        url = act_by = None
    else:
        text = f"For questions, contact {desk}."
        url = act_by = None
    return {
        "appeal_url": url,
        "appeal_by": utc_text(act_by) if act_by else None,
        "appeal_by_local": day_text(local_date(act_by, zone)) if act_by else None,
        "how_to_appeal": text,
    }


def headline(body: Mapping[str, Any], ahead: bool) -> str:
    """One line naming the provider, the person and the change, e.g. "Sindh Police — Special
    Security Unit will withdraw cover from Farooq Sattar on 31 Jan 2026"."""
    provider, person = body["provider_name"], body["protectee_name"]
    future, past = _VERB[Action(body["action"])]
    day = body["effective_local"][:10]
    on = day_text(date.fromisoformat(day))
    if body["action"] in ("upgrade", "downgrade") and body.get("new_category_name"):
        to = f" to {body['new_category_name']}"
    else:
        to = ""
    change = future.format(p=person) + to
    subject = body["subject"]
    if subject == "rescission":
        return f"{provider} will not {change}: its decision is rescinded"
    if subject == "appeal-lodged":
        return f"Appeal lodged against {provider}'s decision to {change}"
    if subject == "appeal":
        verdict = "upheld" if body.get("appeal_outcome") == "upheld" else "overturned"
        return f"The committee {verdict} {provider}'s decision to {change}"
    if subject == "ratification":
        if body.get("ratified"):
            return f"The committee ratified {provider}'s emergency decision to {change}"
        return (
            f"The committee refused {provider}'s emergency decision to {change}: "
            "the previous cover is restored"
        )
    if ahead:
        return f"{provider} will {change} on {on}"
    return f"{provider} {past.format(p=person)}{to} on {on}"


# --- the text of an e-mail -------------------------------------------------------------------
def subject_line(body: Mapping[str, Any]) -> str:
    """The e-mail's subject: one line (anything else is folded away, so no header is forged)."""
    return "Hifazat: " + " ".join(str(body.get("headline", "")).split())


def _line(label: str, value: Any) -> list[str]:
    return [f"{label}: {value}"] if value not in (None, "") else []


def email_text(
    body: Mapping[str, Any], notice_id: str, recipient_kind: str, receipt: str | None
) -> str:
    """The e-mail's text; `receipt` is the attached receipt's file name (None: none attached)."""
    b = body
    old = b.get("old_category_name") or "none"
    new = b.get("new_category_name") or "none (cover ends or stands down)"
    lines = [str(b.get("headline", "")), ""]
    lines += _line("About", b.get("protectee_name"))
    lines += _line("Provider", b.get("provider_name"))
    lines += _line("Decision", b.get("decision"))
    lines += [
        f"Change: {b.get('action')} ({old} → {new})",
        f"Takes effect: {b.get('effective_local')} ({b.get('effective_at')})",
    ]
    if b.get("emergency"):
        lines.append("Emergency decision: to be ratified by the committee")
    code = b.get("reason_code")
    lines += [f"Why: {b.get('reason_code_text') or code} ({code})", "Reason, as given:"]
    lines += [str(b.get("reason", "")), ""]
    decider = b.get("decided_by_name") or b.get("decided_by")
    office = f", {b['decided_by_office']}" if b.get("decided_by_office") else ""
    lines += _line("Proposed by", b.get("proposed_by_name") or b.get("proposed_by"))
    lines += [f"Decided by: {decider}{office}, {b.get('decided_local')} ({b.get('decided_at')})"]
    lines += _amendment(b)
    lines += ["", "What you can do:", str(b.get("how_to_appeal", ""))]
    lines += _line("Appeal page", b.get("appeal_url"))
    lines += _line("Act by", b.get("appeal_by_local"))
    lines += _line("Security desk", b.get("desk_contact"))
    lines.append("")
    if receipt:
        lines += [
            f"Proof: the ledger receipt of this change is attached ({receipt}); anyone can "
            "check it offline with `hifazat ledger check-receipt FILE --key PUBKEY`.",
            "",
        ]
    if b.get("amends"):
        lines.append(f"This notice amends notice {b['amends']}.")
    lines.append(f"Notice {notice_id}, sent to you as {recipient_kind}.")
    return "\n".join(lines) + "\n"


def _amendment(b: Mapping[str, Any]) -> list[str]:
    """What a later notice adds: the rescission, the appeal, the ruling, the ratification."""
    subject = b.get("subject")
    if subject == "rescission":
        return ["", f"Rescinded by: {b.get('rescinded_by_name')}", "Why, as given:",
                str(b.get("rescind_reason", ""))]  # fmt: skip
    if subject == "appeal-lodged":
        return ["", f"Appeal {b.get('appeal')} lodged by: {b.get('lodged_by_name')}",
                "Grounds, as given:", str(b.get("grounds", ""))]  # fmt: skip
    if subject == "appeal":
        out = ["", f"Appeal {b.get('appeal')}: {b.get('appeal_outcome')} by "
               f"{b.get('appeal_decided_by_name')}", "The committee's reasons:",
               str(b.get("appeal_reason", ""))]  # fmt: skip
        return out + _line("Cover restored by decision", b.get("restoring_decision"))
    if subject == "ratification":
        verdict = "ratified" if b.get("ratified") else "refused"
        out = ["", f"Emergency decision {verdict} by {b.get('ratified_by_name')}",
               "The committee's reasons:", str(b.get("ratification_reason", ""))]  # fmt: skip
        return out + _line("Cover restored by decision", b.get("restoring_decision"))
    return []


# --- names -----------------------------------------------------------------------------------
def _name(ctx: Context, user_id: str | None) -> str | None:
    if user_id is None:
        return None
    user = ctx.people.get(user_id)
    return user.name if user else user_id


def _office(ctx: Context, user_id: str | None) -> str | None:
    """The office a decider acted in: the committee, or approver for the provider."""
    user = ctx.people.get(user_id) if user_id else None
    if user is None:
        return None
    if user.can_approve_for(ctx.provider.id) and not user.is_committee:
        return f"approver for {ctx.provider.name}"
    if user.is_committee:
        return "member of the committee"
    return None


def _category_name(provider: Provider, category_id: str | None) -> str | None:
    if category_id is None:
        return None
    found = [c.name for c in provider.categories if c.id == category_id]
    return found[0] if found else category_id


def _new_category(decision: Decision, before: Cover | None) -> str | None:
    """The category after the change; None where cover ends or stands down."""
    if decision.action in (Action.WITHDRAW, Action.SUSPEND):
        return None
    if decision.category_id is not None:
        return decision.category_id
    return before.category_id if before else None
