"""The outbox: notices written in the same transaction as what they tell of."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from hifazat.access.guard import Facts, require
from hifazat.domain.coverage import Cover
from hifazat.domain.decision import Decision
from hifazat.domain.errors import InvalidInput, NotFound
from hifazat.domain.fields import DEFAULT_LANGUAGE
from hifazat.domain.notice import Context, Notice, decision_body, recipients
from hifazat.domain.outbox import ClaimedNotice, DeadLetter, OutboxState
from hifazat.domain.protectee import Protectee
from hifazat.domain.users import User
from hifazat.i18n import words
from hifazat.ledger.merkle import inclusion_proof
from hifazat.ledger.note import Signer
from hifazat.ledger.receipt import make_receipt
from hifazat.services.ids import new_id
from hifazat.services.ledger import (
    checkpoint_in,
    cosigned_note,
    keep_checkpoint,
    receipt_if_covered,
)
from hifazat.services.unit_of_work import UnitOfWork
from hifazat.settings import public_url

#: the longest reason a requeue may give (as the API's reason fields)
REASON_MAX = 4000


def create(
    uow: UnitOfWork,
    decision: Decision,
    before: Cover | None,
    subject: str,
    subject_id: str,
    now: datetime,
    extra: dict[str, Any] | None = None,
    amends_of: str | None = None,
) -> list[Notice]:
    """One notice to the protectee and one to each consenting liaison, each in its recipient's
    language (a body per language) and entered in the ledger with the change it tells of (one
    query at commit, however many recipients). Each names the latest earlier notice about the
    same decision to the same recipient (`amends`), so a rescission or a ruling reads as what
    it changes. `amends_of` adds another decision's notices to those it may amend: a restoring
    decision's notice amends what was told of the decision it undoes."""
    repo = uow.repo
    protectee = repo.protectee(decision.protectee_id)
    named = {decision.proposed_by, decision.approved_by}
    named |= {v for k, v in (extra or {}).items() if k.endswith("_by") and isinstance(v, str)}
    told_to = recipients(protectee)
    people = repo.users(sorted({u for u in named if u} | set(protectee.liaisons)))
    policy = repo.policy()
    ctx = Context(
        protectee=protectee,
        provider=repo.provider(decision.provider_id),
        policy=policy,
        people=people,
        public_url=public_url(),
        now=now,
    )
    language = {r: _language(r, kind, protectee, people) for r, kind in told_to}
    bodies = {
        lang: decision_body(
            decision, before, replace(ctx, words=words(lang, policy.timezone)), subject, extra
        )
        for lang in sorted(set(language.values()))
    }
    earlier = uow.outbox.told_of(decision.id)
    if amends_of is not None:
        earlier = uow.outbox.told_of(amends_of) + earlier
    made = []
    for recipient, kind in told_to:
        body = bodies[language[recipient]]
        told = [n for n, to, as_ in earlier if _same_recipient(to, as_, recipient, kind)]
        notice = Notice(
            id=new_id("n"),
            subject=subject,
            subject_id=subject_id,
            decision_id=decision.id,
            protectee_id=protectee.id,
            recipient=recipient,
            recipient_kind=kind,
            created_at=now,
            body={**body, "amends": told[-1] if told else None},
        )
        repo.add_notice(notice)
        uow.record("notice.created", notice.id)
        made.append(notice)
    return made


#: the ledger entry that proves what a notice tells of: (kind, whether keyed by the subject)
PROOF = {
    "decision": ("decision.approved", False),
    "rescission": ("decision.rescinded", False),
    "appeal-lodged": ("appeal.lodged", True),
    "appeal": ("appeal.decided", True),
    "ratification": ("decision.ratified", False),
}


def proofs(
    uow: UnitOfWork, claimed: Sequence[ClaimedNotice], signer: Signer | None, now: datetime
) -> dict[str, dict[str, Any] | None]:
    """The receipt each notice carries: its change's ledger entry with the inclusion path to a
    signed checkpoint. An entry no checkpoint covers yet gets one made now (one for the whole
    batch) when the worker holds the ledger key; without it, that notice goes without one."""
    out: dict[str, dict[str, Any] | None] = {}
    made = None
    with uow:
        entries = {n.id: _entry(uow, n) for n in claimed}
        latest = uow.ledger.latest_checkpoint()
        size = latest.tree_size if latest else 0
        if signer is not None and any(e is not None and e.seq >= size for e in entries.values()):
            made = checkpoint_in(uow, signer, now)
            latest = uow.ledger.latest_checkpoint()
        for notice_id, entry in entries.items():
            if entry is None or latest is None or entry.seq >= latest.tree_size:
                out[notice_id] = None
                continue
            path = inclusion_proof(entry.seq, latest.tree_size, uow.ledger.nodes())
            note = cosigned_note(uow, latest.tree_size, latest.note)
            out[notice_id] = make_receipt(entry.entry.encode("utf-8"), entry.seq, note, path)
        uow.commit()
    if made is not None and made.new and signer is not None:
        keep_checkpoint(signer, made.note)
    return out


def _entry(uow: UnitOfWork, notice: ClaimedNotice) -> Any:
    kind, by_subject = PROOF.get(notice.subject, ("decision.approved", False))
    ref = notice.subject_id if by_subject else notice.decision_id
    return next((e for e in uow.ledger.entries_for(ref) if e.kind == kind), None)


def _language(recipient: str, kind: str, protectee: Protectee, people: Mapping[str, User]) -> str:
    """The language a recipient reads: the protectee's record's for a notice to the protectee
    (on whichever channels it goes), a liaison's own as a user."""
    if kind == "protectee":
        return protectee.language
    user = people.get(recipient)
    return user.language if user else DEFAULT_LANGUAGE


def _same_recipient(to: str, as_: str, recipient: str, kind: str) -> bool:
    """Whether an earlier notice went to this recipient (a protectee's, to any of their logins
    before notices were addressed to the record)."""
    if kind == "protectee":
        return as_ == "protectee"
    return to == recipient and as_ == kind


def notices_of(uow: UnitOfWork, protectee_id: str) -> list[tuple[Notice, dict[str, Any] | None]]:
    """A protectee's notices, each with its decision's receipt once a checkpoint covers it."""
    with uow.reading():
        uow.repo.protectee(protectee_id)
        found = uow.repo.notices(protectee_id)
        receipts = {d: receipt_if_covered(uow, d) for d in {n.decision_id for n in found}}
    return [(n, receipts[n.decision_id]) for n in found]


def requeue(uow: UnitOfWork, notice_id: str, by: str, reason: str, now: datetime) -> OutboxState:
    """Sends a dead notice again (after its channel was fixed, say): pending, due at once, with
    fresh rounds, and entered in the ledger with who did it and why. Allowed to an admin and to
    a desk of a provider that decided on the protectee; anyone else is refused whether or not
    the notice exists, so that a refusal tells nothing about it."""
    if not reason.strip():
        raise InvalidInput("reason", "say why the notice is sent again")
    if len(reason) > REASON_MAX:
        raise InvalidInput("reason", f"at most {REASON_MAX} characters")
    with uow:
        user = uow.repo.user(by)
        protectee_id = uow.outbox.notice_protectee(notice_id)
        if protectee_id is None:
            require(user, "notice.requeue", Facts())  # only an admin learns it does not exist
            raise NotFound("notice", notice_id)
        require(user, "notice.requeue", _facts(uow, protectee_id))
        key = uow.outbox.requeue(notice_id, by, reason, now)
        uow.record("notice.requeued", key)
        state = uow.outbox.outbox_state(notice_id)
        uow.commit()
    return state


def dead_letters(uow: UnitOfWork) -> list[DeadLetter]:
    """Every notice delivery gave up on, oldest first."""
    with uow.reading():
        return uow.outbox.dead_letters()


def _facts(uow: UnitOfWork, protectee_id: str) -> Facts:
    """As `guarded.facts_for` (which imports this module): the providers that decided on the
    protectee, and their liaisons."""
    protectee = uow.repo.protectee(protectee_id)
    covering = frozenset(d.provider_id for d in uow.repo.decisions(protectee_id))
    return Facts(protectee_id, None, covering, frozenset(protectee.liaisons))
