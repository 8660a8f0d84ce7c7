"""Notices: what a protectee and their consenting liaisons are told about a change.

Every word a notice says is in this module, so that every channel (the outbox, e-mail,
webhooks, the protectee's page) tells the same thing: whom it is about, what changes (from and
to, by name), when (local time and UTC), why (the reason code in words and the reason
verbatim), who decided (name and office), how to act (the appeal page, the date to act by, the
desk's contact), and what it amends.

Each notice is written in its recipient's language: the service hands in `Words`
(domain/words.py; hifazat.i18n's, so this module imports no Babel and reads no catalog), and
every string here is marked for the catalogs (_, N_, NP_); English is the message id. Names
stay as they are stored.

The body is composed once per language, when the change is made, and entered in the ledger by
its hash; the e-mail's text and subject are rendered from the body alone (its `language` and
`timezone` say how)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hifazat.domain.coverage import Cover
from hifazat.domain.decision import REDUCING, Action, Decision
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Protectee
from hifazat.domain.provider import Provider
from hifazat.domain.said import span_text
from hifazat.domain.times import local_date, local_text, parse_instant, utc_text
from hifazat.domain.users import User
from hifazat.domain.words import N_, NP_, English, Words

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
    #: the language and zone the words are written in (English in the policy's zone, if None)
    words: Words | None = None

    @property
    def said(self) -> Words:
        return self.words or English(self.policy.timezone)


def recipients(protectee: Protectee) -> list[tuple[str, str]]:
    """The protectee (addressed by their record, whatever logins they have: the worker sends to
    the channels of the record and of every one of their logins) and each consenting liaison."""
    return [(protectee.id, "protectee")] + [(liaison, "liaison") for liaison in protectee.liaisons]


# --- the body --------------------------------------------------------------------------------
#: how each change is said, as a phrase to follow "will" or "decision to" (future) and as a
#: past tense, each with and without the category it moves to. Translators: Urdu needs one
#: form for both, the oblique infinitive that precedes کا فیصلہ ("... واپس لینے").
_VERB = {
    Action.GRANT: (
        N_("grant cover to {person}"),
        N_("granted cover to {person}"),
        N_("grant cover to {person}"),
        N_("granted cover to {person}"),
    ),
    Action.UPGRADE: (
        N_("upgrade the cover of {person}"),
        N_("upgraded the cover of {person}"),
        N_("upgrade the cover of {person} to {category}"),
        N_("upgraded the cover of {person} to {category}"),
    ),
    Action.DOWNGRADE: (
        N_("downgrade the cover of {person}"),
        N_("downgraded the cover of {person}"),
        N_("downgrade the cover of {person} to {category}"),
        N_("downgraded the cover of {person} to {category}"),
    ),
    Action.SUSPEND: (
        N_("suspend the cover of {person}"),
        N_("suspended the cover of {person}"),
        N_("suspend the cover of {person}"),
        N_("suspended the cover of {person}"),
    ),
    Action.RESUME: (
        N_("resume the cover of {person}"),
        N_("resumed the cover of {person}"),
        N_("resume the cover of {person}"),
        N_("resumed the cover of {person}"),
    ),
    Action.WITHDRAW: (
        N_("withdraw cover from {person}"),
        N_("withdrew cover from {person}"),
        N_("withdraw cover from {person}"),
        N_("withdrew cover from {person}"),
    ),
}
#: an action in one word (the e-mail's "Change:" line)
_ACTION = {
    Action.GRANT: NP_("action", "grant"),
    Action.UPGRADE: NP_("action", "upgrade"),
    Action.DOWNGRADE: NP_("action", "downgrade"),
    Action.SUSPEND: NP_("action", "suspend"),
    Action.RESUME: NP_("action", "resume"),
    Action.WITHDRAW: NP_("action", "withdraw"),
}


def change_words(
    action: str, person: str, category: str | None, words: Words, past: bool = False
) -> str:
    """A change as a phrase for "will ..." or "decision to ..." (or its past tense): "withdraw
    cover from Farooq Sattar", "upgrade the cover of Farooq Sattar to Standard". Pages use it
    to say a decision in words rather than as its action and ids."""
    return words.gettext(change_phrase(action, category, past)).format(
        person=person, category=category
    )


def change_phrase(action: str, category: str | None, past: bool = False) -> str:
    """The message id that says a change, with {person} and {category} to fill: for a page to
    fill with names isolated in their own direction."""
    future, done, future_to, done_to = _VERB[Action(action)]
    if action in ("upgrade", "downgrade") and category:
        future, done = future_to, done_to
    return done if past else future


def decision_body(
    decision: Decision,
    before: Cover | None,
    ctx: Context,
    subject: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The notice's content, as data with its words: ids for machines beside names for people,
    and the words in the language of `ctx.words`."""
    assert decision.effective_at is not None
    assert subject in SUBJECTS, subject
    zone = ctx.policy.timezone
    effect = decision.takes_effect_at or decision.effective_at
    new = _new_category(decision, before)
    old = before.category_id if before and before.open else None
    extra = dict(extra or {})
    body: dict[str, Any] = {
        "subject": subject,
        "language": ctx.said.language,
        "timezone": zone,
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
    body["headline"] = headline(body, effect > ctx.now, ctx.said)
    return body


def _how_to_act(decision: Decision, ctx: Context, subject: str, effect: datetime) -> dict[str, Any]:
    """The appeal link (the web page, with the decision filled in), the date to act by, and
    the words saying so. A reduction appealed before it takes effect waits for the committee,
    so its effective date is the date to act by; the committee rules within the policy's time."""
    zone = ctx.policy.timezone
    w = ctx.said
    _ = w.gettext
    url = f"{ctx.public_url}/appeals?decision={decision.id}" if ctx.public_url else None
    act_by = effect if decision.action in REDUCING and effect > ctx.now else None
    within = span_text(ctx.policy.appeal_decide_within, w)
    contact = ctx.policy.desk_contacts.get(decision.provider_id)
    if contact:
        desk = _("your security desk ({contact})").format(contact=contact)
    else:
        desk = _("your security desk")
    if subject in ("decision", "ratification"):
        if url:
            where = _("on the appeal page, {url}, or through {desk}").format(url=url, desk=desk)
        else:
            where = _("through {desk}").format(desk=desk)
        text = _("You, or a liaison acting with your consent, may appeal to the committee {where}.")
        text = text.format(where=where)
        if act_by is not None:
            by = _("Appeal by {when} ({day}) and the change waits for the committee's ruling.")
            text += " " + by.format(when=w.when(act_by), day=w.day(local_date(act_by, zone)))
        rule = _("The committee must rule within {span} of an appeal.")
        text += " " + rule.format(span=within)
    elif subject == "appeal-lodged":
        text = _("The committee must rule within {span}; you will be told of its ruling.")
        text = text.format(span=within)
        url = act_by = None
    else:
        text = _("For questions, contact {desk}.").format(desk=desk)
        url = act_by = None
    return {
        "appeal_url": url,
        "appeal_by": utc_text(act_by) if act_by else None,
        "appeal_by_local": w.day(local_date(act_by, zone)) if act_by else None,
        "how_to_appeal": text,
    }


def headline(body: Mapping[str, Any], ahead: bool, words: Words | None = None) -> str:
    """One line naming the provider, the person and the change, e.g. "Sindh Police — Special
    Security Unit will withdraw cover from Farooq Sattar on 31 Jan 2026"."""
    w = words or English()
    _ = w.gettext
    provider, person = body["provider_name"], body["protectee_name"]
    future, past, future_to, past_to = _VERB[Action(body["action"])]
    on = w.day(date.fromisoformat(body["effective_local"][:10]))
    category = body.get("new_category_name")
    if body["action"] in ("upgrade", "downgrade") and category:
        future, past = future_to, past_to
    change = _(future).format(person=person, category=category)
    names = {"provider": provider, "change": change}
    subject = body["subject"]
    if subject == "rescission":
        said = _("{provider} will not {change}: its decision is rescinded")
    elif subject == "appeal-lodged":
        said = _("Appeal lodged against {provider}'s decision to {change}")
    elif subject == "appeal":
        if body.get("appeal_outcome") == "upheld":
            said = _("The committee upheld {provider}'s decision to {change}")
        else:
            said = _("The committee overturned {provider}'s decision to {change}")
    elif subject == "ratification":
        if body.get("ratified"):
            said = _("The committee ratified {provider}'s emergency decision to {change}")
        else:
            said = _(
                "The committee refused {provider}'s emergency decision to {change}: "
                "the previous cover is restored"
            )
    elif ahead:
        said = _("{provider} will {change} on {day}")
    else:
        said = _("{provider} {changed} on {day}")
        names["changed"] = _(past).format(person=person, category=category)
    return said.format(**names, day=on)


# --- the text of an e-mail -------------------------------------------------------------------
def words_of(body: Mapping[str, Any]) -> tuple[str, str | None]:
    """The language and zone a body was written in (a body from before languages: English, and
    its own local times)."""
    return str(body.get("language") or "en"), body.get("timezone")


def subject_line(body: Mapping[str, Any], words: Words | None = None) -> str:
    """The e-mail's subject: one line (anything else is folded away, so no header is forged)."""
    w = words or English()
    line = " ".join(str(body.get("headline", "")).split())
    return w.gettext("Hifazat: {headline}").format(headline=line)


def _line(label: str, value: Any) -> list[str]:
    return [label.format(value=value)] if value not in (None, "") else []


def _local(b: Mapping[str, Any], at: str, local: str, w: Words) -> str:
    """An instant of the body in the reader's form: from its UTC time in the body's zone, or as
    the body wrote it where it names no zone."""
    if b.get("timezone") and b.get(at):
        return w.when(parse_instant(str(b[at]), at))
    return str(b.get(local))


def email_text(
    body: Mapping[str, Any],
    notice_id: str,
    recipient_kind: str,
    receipt: str | None,
    words: Words | None = None,
) -> str:
    """The e-mail's text; `receipt` is the attached receipt's file name (None: none attached)."""
    b = body
    w = words or English()
    _ = w.gettext
    old = b.get("old_category_name") or _("none")
    new = b.get("new_category_name") or _("none (cover ends or stands down)")
    action = str(b.get("action"))
    named = _ACTION.get(Action(action)) if action in Action._value2member_map_ else None
    lines = [str(b.get("headline", "")), ""]
    lines += _line(_("About: {value}"), b.get("protectee_name"))
    lines += _line(_("Provider: {value}"), b.get("provider_name"))
    lines += _line(_("Decision: {value}"), b.get("decision"))
    lines += [
        _("Change: {action} ({old} → {new})").format(
            action=w.pgettext(*named) if named else action, old=old, new=new
        ),
        _("Takes effect: {local} ({utc})").format(
            local=_local(b, "effective_at", "effective_local", w), utc=b.get("effective_at")
        ),
    ]
    if b.get("emergency"):
        lines.append(_("Emergency decision: to be ratified by the committee"))
    code = b.get("reason_code")
    why = _("Why: {text} ({code})").format(text=b.get("reason_code_text") or code, code=code)
    lines += [why, _("Reason, as given:")]
    lines += [str(b.get("reason", "")), ""]
    decider = b.get("decided_by_name") or b.get("decided_by")
    lines += _line(_("Proposed by: {value}"), b.get("proposed_by_name") or b.get("proposed_by"))
    when = _local(b, "decided_at", "decided_local", w)
    if b.get("decided_by_office"):
        decided = _("Decided by: {name}, {office}, {local} ({utc})")
    else:
        decided = _("Decided by: {name}, {local} ({utc})")
    lines.append(
        decided.format(
            name=decider, office=b.get("decided_by_office"), local=when, utc=b.get("decided_at")
        )
    )
    lines += _amendment(b, w)
    lines += ["", _("What you can do:"), str(b.get("how_to_appeal", ""))]
    lines += _line(_("Appeal page: {value}"), b.get("appeal_url"))
    lines += _line(_("Act by: {value}"), b.get("appeal_by_local"))
    lines += _line(_("Security desk: {value}"), b.get("desk_contact"))
    lines.append("")
    if receipt:
        proof = _(
            "Proof: the ledger receipt of this change is attached ({receipt}). It shows that "
            "the change is entered in the registry's tamper-evident ledger; your security desk, "
            "a lawyer or anyone else can check it against the registry's published key."
        )
        lines += [proof.format(receipt=receipt), ""]
    if b.get("amends"):
        lines.append(_("This notice amends notice {notice}.").format(notice=b["amends"]))
    if recipient_kind == "liaison":
        sent = _("Notice {notice}, sent to you as liaison.")
    else:
        sent = _("Notice {notice}, sent to you as protectee.")
    lines.append(sent.format(notice=notice_id))
    return "\n".join(lines) + "\n"


def _amendment(b: Mapping[str, Any], w: Words) -> list[str]:
    """What a later notice adds: the rescission, the appeal, the ruling, the ratification."""
    _ = w.gettext
    subject = b.get("subject")
    reasons = _("The committee's reasons:")
    if subject == "rescission":
        by = _("Rescinded by: {name}").format(name=b.get("rescinded_by_name"))
        return ["", by, _("Why, as given:"), str(b.get("rescind_reason", ""))]
    if subject == "appeal-lodged":
        by = _("Appeal {appeal} lodged by: {name}")
        by = by.format(appeal=b.get("appeal"), name=b.get("lodged_by_name"))
        return ["", by, _("Grounds, as given:"), str(b.get("grounds", ""))]
    restored = _line(_("Cover restored by decision: {value}"), b.get("restoring_decision"))
    if subject == "appeal":
        if b.get("appeal_outcome") == "upheld":
            ruled = _("Appeal {appeal}: upheld by {name}")
        else:
            ruled = _("Appeal {appeal}: overturned by {name}")
        ruled = ruled.format(appeal=b.get("appeal"), name=b.get("appeal_decided_by_name"))
        return ["", ruled, reasons, str(b.get("appeal_reason", "")), *restored]
    if subject == "ratification":
        if b.get("ratified"):
            ruled = _("Emergency decision ratified by {name}")
        else:
            ruled = _("Emergency decision refused by {name}")
        ruled = ruled.format(name=b.get("ratified_by_name"))
        return ["", ruled, reasons, str(b.get("ratification_reason", "")), *restored]
    return []


# --- names -----------------------------------------------------------------------------------
def _name(ctx: Context, user_id: str | None) -> str | None:
    if user_id is None:
        return None
    user = ctx.people.get(user_id)
    return user.name if user else user_id


def _office(ctx: Context, user_id: str | None) -> str | None:
    """The office a decider acted in: the committee, or approver for the provider."""
    _ = ctx.said.gettext
    user = ctx.people.get(user_id) if user_id else None
    if user is None:
        return None
    if user.can_approve_for(ctx.provider.id) and not user.is_committee:
        return _("approver for {provider}").format(provider=ctx.provider.name)
    if user.is_committee:
        return _("member of the committee")
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
