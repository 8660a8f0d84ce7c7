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

    def can_approve_for(self, provider_id: str) -> bool:
        return self.is_committee or f"approver@{provider_id}" in self.roles

    def can_propose_for(self, provider_id: str) -> bool:
        return self.can_approve_for(provider_id) or f"operator@{provider_id}" in self.roles

    def is_operator(self) -> bool:
        return any(r.startswith("operator@") for r in self.roles)
