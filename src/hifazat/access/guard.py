"""The one place access is decided: a user, an action, and the facts of its scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from hifazat.access.permissions import PERMISSIONS
from hifazat.domain.errors import DomainError, Outcome
from hifazat.domain.users import User, desk_role


class Forbidden(DomainError):
    """The user may not do this; the message names the action, never the data."""

    outcome = Outcome.FORBIDDEN


@dataclass(frozen=True)
class Facts:
    """What the permission table's holder kinds need to know about the thing acted on."""

    protectee: str | None = None
    provider: str | None = None
    covering: frozenset[str] = field(default_factory=frozenset)
    liaisons: frozenset[str] = field(default_factory=frozenset)


def kinds(user: User, facts: Facts) -> set[str]:
    """Every holder kind the user is, for these facts."""
    desks = user.desks
    plain = user.roles - {desk_role(kind, provider) for kind, provider in desks}
    held = {"any"} | (plain - {"protectee", "liaison"})
    for kind, provider in desks:
        held.add(kind)
        if provider in facts.covering:
            held.add("covering")
            if kind == "approver":
                held.add("covering-approver")
        if provider == facts.provider:
            held.add("provider-desk")
    if user.protectee_id is not None:
        held.add("protectee")
        if user.protectee_id == facts.protectee:
            held.add("self")
    if "liaison" in user.roles and user.id in facts.liaisons:
        held.add("liaison")
    return held


def allowed(user: User, action: str, facts: Facts = Facts()) -> bool:
    return bool(PERMISSIONS.get(action, frozenset()) & kinds(user, facts))


def require(user: User, action: str, facts: Facts = Facts()) -> None:
    if not allowed(user, action, facts):
        raise Forbidden(f"{user.id} may not {action.replace('.', ' ')} here")


def may_ever(user: User, action: str) -> bool:
    """Whether any record could allow the user this action — the user as a desk covering the
    protectee, the protectee themself, a liaison named by them: what navigation offers."""
    served = user.providers_served
    best = Facts(user.protectee_id, None, served, frozenset({user.id}))
    # a provider's own records (its roll, its attendance): the user as that provider's desk
    return allowed(user, action, best) or any(
        allowed(user, action, Facts(provider=p)) for p in served
    )
