"""R-AUTHORITY for periodic reviews: the cover's provider's approver, or the committee."""

from __future__ import annotations

from hifazat.domain.coverage import Cover
from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.said import Ref
from hifazat.domain.users import User
from hifazat.domain.words import N_


def check_reviewer(actor: User, cover: Cover) -> None:
    if not actor.can_approve_for(cover.provider_id):
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_("{who} may not review {coverage}: needs approver@{provider} or committee"),
                who=Ref("user", actor.id),
                coverage=cover.coverage,
                provider=cover.provider_id,
            )
        )
