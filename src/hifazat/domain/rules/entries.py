"""R-AUTHORITY for the registry's other entries: threat assessments are entered by
intelligence; ground reports filed by the protectee, their liaisons and security desks, and
closed by the provider's desk or an approver."""

from __future__ import annotations

from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.protectee import Protectee
from hifazat.domain.said import Ref
from hifazat.domain.users import User
from hifazat.domain.words import N_


def check_assessor(actor: User) -> None:
    if "intelligence" not in actor.roles:
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_("{who} may not enter threat assessments: needs intelligence"),
                who=Ref("user", actor.id),
            )
        )


def check_reporter(actor: User, protectee: Protectee) -> None:
    allowed = (
        actor.protectee_id == protectee.id
        or actor.id in protectee.liaisons
        or bool(actor.desks)
        or bool({"committee", "admin"} & actor.roles)
    )
    if not allowed:
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_(
                    "{who} may not report on {person}: only the protectee, their liaisons "
                    "and security desks may"
                ),
                who=Ref("user", actor.id),
                person=Ref("person", protectee.id),
            )
        )


def check_resolver(actor: User, provider: str) -> None:
    if not actor.can_propose_for(provider):
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_("{who} may not resolve reports on {force}: needs its desk or an approver"),
                who=Ref("user", actor.id),
                force=Ref("provider", provider),
            )
        )
