"""R-ENTITLEMENT and R-THREAT: floors below which only the committee may take a protectee's cover.

Each floor is found by one function, used twice: to tell a proposer that the committee must
decide, and to refuse an approval that is not the committee's."""

from __future__ import annotations

from hifazat.domain.coverage import resulting_rank
from hifazat.domain.decision import REDUCING, Action
from hifazat.domain.errors import Restricted, Violation
from hifazat.domain.rules.context import DecisionContext, Stage
from hifazat.domain.threat import current_assessment

ENTITLEMENT = "R-ENTITLEMENT"
THREAT = "R-THREAT"


#: what a reader who may not learn of threat assessments is told of the threat floor
COMMITTEE_MUST_APPROVE = "a restricted rule applies to this change, so the committee must approve"


def entitlement_shortfall(ctx: DecisionContext) -> Violation | None:
    decision = ctx.decision
    if decision.action not in REDUCING:
        return None
    if decision.reason_code in ctx.policy.floor_exempt_reasons:
        return None
    floor = ctx.policy.entitled_rank(ctx.office_classes(), ctx.provider.level)
    left = resulting_rank(ctx.cover_before(), decision, ctx.provider)
    if left >= floor:
        return None
    return Violation(
        ENTITLEMENT,
        f"{ctx.protectee.id}'s office entitles them to rank {floor} from a {ctx.provider.level} "
        f"provider; this {decision.action} leaves rank {left} for reason "
        f"{decision.reason_code!r}, so the committee must approve",
    )


def threat_shortfall(ctx: DecisionContext) -> Violation | None:
    decision = ctx.decision
    # A suspension strips cover as surely as a withdrawal, so it meets the same floor.
    if decision.action not in (Action.WITHDRAW, Action.DOWNGRADE, Action.SUSPEND):
        return None
    assessment = current_assessment(ctx.assessments, ctx.effective_at)
    if assessment is None:
        return None
    floor = ctx.policy.threat_floor(assessment.level)
    left = resulting_rank(ctx.cover_before(), decision, ctx.provider)
    if left >= floor:
        return None
    consequence = f"this {decision.action} leaves rank {left}, so the committee must approve"
    return Violation(
        THREAT,
        f"a valid {assessment.level} threat assessment ({assessment.id}) sets a floor of rank "
        f"{floor}; {consequence}",
        Restricted(
            ctx.protectee.id,
            level_only=f"a valid {assessment.level} threat assessment sets a floor of rank "
            f"{floor}; {consequence}",
            nothing=COMMITTEE_MUST_APPROVE,
        ),
    )


def _as_refusal(ctx: DecisionContext, shortfall: Violation | None) -> Violation | None:
    if shortfall is None or ctx.stage is not Stage.APPROVE or ctx.actor.is_committee:
        return None
    return shortfall


def check_entitlement(ctx: DecisionContext) -> Violation | None:
    return _as_refusal(ctx, entitlement_shortfall(ctx))


def check_threat(ctx: DecisionContext) -> Violation | None:
    return _as_refusal(ctx, threat_shortfall(ctx))
