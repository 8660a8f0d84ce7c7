"""People who use the registry, and the roles that say what they may do."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hifazat.domain.errors import InvalidInput

PLAIN_ROLES = ("admin", "committee", "intelligence", "auditor", "protectee", "liaison")
PROVIDER_ROLES = ("operator", "approver")
_ROLE = re.compile(r"^(operator|approver)@([a-z0-9][a-z0-9-]*)$")
#: every role, as one pattern (the API's schema states it)
ROLE_PATTERN = rf"^({'|'.join(PLAIN_ROLES)}|({'|'.join(PROVIDER_ROLES)})@[a-z0-9][a-z0-9-]*)$"


def parse_role(text: str) -> tuple[str, str | None]:
    """'approver@sindh-police' -> ('approver', 'sindh-police'); 'admin' -> ('admin', None)"""
    if text in PLAIN_ROLES:
        return text, None
    match = _ROLE.match(text)
    if not match:
        known = ", ".join((*PLAIN_ROLES, "operator@PROVIDER", "approver@PROVIDER"))
        raise InvalidInput("role", f"{text!r} is not a role; roles are {known}")
    return match.group(1), match.group(2)


def role_parts(role: str) -> tuple[str, str | None]:
    """A role as its kind and, for a desk, the provider it serves: the one place a role's text
    is taken apart (`parse_role` checks it first, where it comes from outside)."""
    kind, _, provider = role.partition("@")
    return kind, provider or None


#: between a user and a role in the ledger's key of a grant (user ids and roles hold no spaces)
ROLE_SEP = " "


def role_key(user_id: str, role: str) -> str:
    """The ledger's key of a role granted to a user."""
    return f"{user_id}{ROLE_SEP}{role}"


def desk_role(kind: str, provider_id: str) -> str:
    return f"{kind}@{provider_id}"


@dataclass(frozen=True)
class User:
    id: str
    name: str
    roles: frozenset[str]
    protectee_id: str | None = None
    #: the language their notices (and, later, the interface) are written in: en or ur
    language: str = "en"

    @property
    def is_committee(self) -> bool:
        return "committee" in self.roles

    @property
    def desks(self) -> tuple[tuple[str, str], ...]:
        """(kind, provider) of each desk role held: operator or approver, for a provider."""
        parts = (role_parts(r) for r in sorted(self.roles))
        return tuple((kind, provider) for kind, provider in parts if provider is not None)

    @property
    def providers_served(self) -> frozenset[str]:
        return frozenset(provider for _, provider in self.desks)

    def can_approve_for(self, provider_id: str) -> bool:
        return self.is_committee or desk_role("approver", provider_id) in self.roles

    def can_propose_for(self, provider_id: str) -> bool:
        return self.can_approve_for(provider_id) or desk_role("operator", provider_id) in self.roles
