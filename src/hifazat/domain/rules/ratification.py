"""R-AUTHORITY and R-STATE for ratification: only the committee ratifies, and only an approved
emergency decision."""

from __future__ import annotations

from hifazat.domain.decision import Decision
from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.said import Ref
from hifazat.domain.users import User
from hifazat.domain.words import N_


def check_ratifying(actor: User, decision: Decision) -> None:
    if not actor.is_committee:
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_("{who} may not ratify: needs committee"),
                who=Ref("user", actor.id),
            )
        )
    if not decision.emergency or not decision.approved:
        raise Refusal(
            Violation.of(
                "R-STATE",
                N_("{decision} is not an approved emergency decision"),
                decision=decision.id,
            )
        )
