"""R-AUTHORITY: only the provider's desk proposes, only its approver or the committee approves,
and under the two-person rule nobody approves their own proposal."""

from __future__ import annotations

from hifazat.domain.errors import Violation
from hifazat.domain.rules.context import DecisionContext, Stage

RULE = "R-AUTHORITY"


def check(ctx: DecisionContext) -> Violation | None:
    actor, provider = ctx.actor, ctx.decision.provider_id
    if ctx.stage is Stage.PROPOSE:
        if not actor.can_propose_for(provider):
            return Violation(
                RULE,
                f"{actor.id} may not propose decisions for {provider}: needs operator@{provider}, "
                f"approver@{provider} or committee",
            )
        return None
    if not actor.can_approve_for(provider):
        return Violation(
            RULE,
            f"{actor.id} may not approve for {provider}: needs approver@{provider} or committee",
        )
    if ctx.policy.two_person_rule and actor.id == ctx.decision.proposed_by:
        return Violation(
            RULE, f"two-person rule: {actor.id} proposed this decision and may not approve it"
        )
    return None
