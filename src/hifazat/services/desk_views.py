"""What each role's home and desk pages read, guarded as services/guarded.py's readers are: each
function requires its permission (deny by default) and shows a record only to a reader
allowed it for that protectee, with threat assessments redacted in access/redaction.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from hifazat.access import redaction
from hifazat.access.guard import Facts, allowed, may_ever, require
from hifazat.domain.decision import DecisionState
from hifazat.domain.users import User
from hifazat.services import json_shapes, oversight
from hifazat.services.channels import list_channels
from hifazat.services.guarded import facts_for
from hifazat.services.unit_of_work import UnitOfWork


def _cover(cover: Any) -> dict[str, Any]:
    return {
        "provider": cover.provider_id,
        "category": cover.category_id,
        "state": cover.state.value,
        "coverage": cover.coverage,
    }


def cover_now(uow: UnitOfWork, user: User, at: datetime) -> dict[str, list[dict[str, Any]] | None]:
    """Each protectee's open cover now, for those whose status this user may read; None for a
    protectee whose cover is not theirs to see (the list says so rather than showing none).
    Guarded row by row: status.read for that protectee, as guarded.read_status is."""
    with uow.reading():
        snap = oversight.snapshot(uow, at)
        out: dict[str, list[dict[str, Any]] | None] = {}
        for pid, covers in snap.covers.items():
            if allowed(user, "status.read", facts_for(uow, pid)):
                out[pid] = [_cover(c) for c in covers if c.open]
            else:
                out[pid] = None
        return out


def my_proposals(uow: UnitOfWork, user: User, now: datetime) -> list[dict[str, Any]]:
    """The decisions this user proposed that still await approval."""
    require(user, "decision.propose")
    with uow.reading():
        return [
            json_shapes.decision_view(d, now)
            for d in uow.repo.decisions()
            if d.proposed_by == user.id and d.state_at(now) is DecisionState.PROPOSED
        ]


def appeals_awaiting(uow: UnitOfWork, user: User, now: datetime) -> list[dict[str, Any]]:
    """Appeals with no ruling yet, each with the decision appealed against (the change)."""
    require(user, "appeal.decide")
    with uow.reading():
        out = []
        for appeal in uow.repo.appeals():
            if appeal.outcome is not None:
                continue
            if not allowed(user, "appeal.read", facts_for(uow, appeal.protectee_id)):
                continue
            decision = uow.repo.decision(appeal.decision_id)
            out.append(
                {**json_shapes.appeal_view(appeal), "d": json_shapes.decision_view(decision, now)}
            )
        return sorted(out, key=lambda a: a["lodged_at"])


def ratifications_awaiting(uow: UnitOfWork, user: User, now: datetime) -> list[dict[str, Any]]:
    """Emergency decisions in force that the committee has not yet ratified or refused."""
    require(user, "decision.ratify")
    with uow.reading():
        policy = uow.repo.policy()
        out = []
        for d in uow.repo.decisions():
            if not d.emergency or not d.approved or d.ratification is not None:
                continue
            if not allowed(user, "decision.read", facts_for(uow, d.protectee_id)):
                continue
            view = json_shapes.decision_view(d, now)
            due = (d.decided_at or d.proposed_at) + policy.emergency_ratification_within
            out.append({**view, "ratify_by": due})
        return out


def liaison_protectees(uow: UnitOfWork, user: User, at: datetime) -> list[dict[str, Any]]:
    """The protectees who named this user their liaison, each with their open cover now."""
    with uow.reading():
        snap = oversight.snapshot(uow, at)
        out = []
        for p in snap.protectees.values():
            if user.id not in p.liaisons:
                continue
            if not allowed(user, "protectee.read", facts_for(uow, p.id)):
                continue
            covers = snap.covers.get(p.id, [])
            seen = allowed(user, "status.read", facts_for(uow, p.id))
            out.append(
                {
                    "id": p.id,
                    "name": p.name,
                    "cover": [_cover(c) for c in covers if c.open] if seen else None,
                }
            )
        return sorted(out, key=lambda p: p["name"])


def may_see_assessments(user: User) -> bool:
    """Whether the assessments page is this user's: who may enter them, or read them for some
    protectee (a covering approver, the level only)."""
    return may_ever(user, "threat.read") or allowed(user, "threat.add")


def assessments_due(
    uow: UnitOfWork, user: User, now: datetime, within: timedelta
) -> dict[str, list[dict[str, Any]]]:
    """Each protectee's latest threat assessment, as this reader may see it (redacted): lapsed
    ("due": to be renewed), lapsing within `within` ("expiring"), or good for longer
    ("current"). Guarded row by row: threat.read for that protectee."""
    if not may_see_assessments(user):
        require(user, "threat.read")
    with uow.reading():
        latest: dict[str, Any] = {}
        for a in uow.repo.assessments():
            if a.entered_at > now:
                continue
            held = latest.get(a.protectee_id)
            if held is None or (a.valid_until, a.assessed_at) > (
                held.valid_until,
                held.assessed_at,
            ):
                latest[a.protectee_id] = a
        out: dict[str, list[dict[str, Any]]] = {"due": [], "expiring": [], "current": []}
        for pid, a in latest.items():
            facts = facts_for(uow, pid)
            if not allowed(user, "threat.read", facts):
                continue
            shown = redaction.assessment(user, facts, json_shapes.assessment_view(a))
            if shown is None:
                continue
            if a.valid_until <= now:
                out["due"].append(shown)
            elif a.valid_until <= now + within:
                out["expiring"].append(shown)
            else:
                out["current"].append(shown)
    for found in out.values():
        found.sort(key=lambda a: a["valid_until"])
    return out


def _safe_address(kind: str, address: str) -> str:
    """A channel's address as the registrar may see it: an e-mail as it is; a webhook by its
    scheme and host alone (its path, query and any user:password may carry credentials)."""
    if kind != "webhook":
        return address
    parts = urlsplit(address)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


def registry_view(uow: UnitOfWork, user: User) -> dict[str, Any]:
    """Users and their roles, the channels notices go to (never their secrets), and the policy
    in force: what the registrar (and an auditor) read."""
    require(user, "user.list")
    channels = [
        {
            "owner": c.owner,
            "owner_kind": c.owner_kind,
            "kind": c.kind,
            "address": _safe_address(c.kind, c.address),
            "created_at": c.created_at,
        }
        for c in list_channels(uow)
    ]
    with uow.reading():
        people = sorted(uow.repo.users().values(), key=lambda u: u.name)
        policy = uow.repo.policy()
    return {
        "users": [{**json_shapes.user_view(u), "language": u.language} for u in people],
        "channels": channels,
        "policy": policy,
    }


def ledger_size(uow: UnitOfWork, user: User) -> int:
    """How many entries the ledger holds: the auditor's headline figure."""
    require(user, "ledger.read")
    with uow.reading():
        return uow.ledger.tree_size()


def facts_of(uow: UnitOfWork, protectee_id: str) -> Facts:
    """The facts of one protectee, read in a unit of work of its own."""
    with uow.reading():
        return facts_for(uow, protectee_id)
