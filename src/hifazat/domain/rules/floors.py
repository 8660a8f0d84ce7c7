"""R-ENTITLEMENT and R-THREAT: floors below which only the committee may take a protectee's cover.

Each floor is found by one function, used twice: to tell a proposer that the committee must
decide, and to refuse an approval that is not the committee's."""

from __future__ import annotations

from hifazat.domain.coverage import resulting_rank
from hifazat.domain.decision import REDUCING, Action
from hifazat.domain.errors import Restricted, Violation
from hifazat.domain.rules.context import DecisionContext, Stage
from hifazat.domain.said import Ref, Said, Term
from hifazat.domain.threat import current_assessment
from hifazat.domain.words import N_

ENTITLEMENT = "R-ENTITLEMENT"
THREAT = "R-THREAT"


#: what a reader who may not learn of threat assessments is told of the threat floor
COMMITTEE_MUST_APPROVE = Said(
    N_("a restricted rule applies to this change, so the committee must approve")
)


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
    return Violation.of(
        ENTITLEMENT,
        N_(
            "{person}'s office entitles them to rank {floor} from a {level} provider; this "
            "{action} leaves rank {left} for reason {code}, so the committee must approve"
        ),
        person=Ref("person", ctx.protectee.id),
        floor=floor,
        level=ctx.provider.level,
        action=Term("action", decision.action.value),
        left=left,
        code=repr(decision.reason_code),
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
    action = Term("action", decision.action.value)
    return Violation.of(
        THREAT,
        N_(
            "a valid {level} threat assessment ({assessment}) sets a floor of rank {floor}; "
            "this {action} leaves rank {left}, so the committee must approve"
        ),
        Restricted(
            ctx.protectee.id,
            level_only=Said(
                N_(
                    "a valid {level} threat assessment sets a floor of rank {floor}; "
                    "this {action} leaves rank {left}, so the committee must approve"
                ),
                level=assessment.level,
                floor=floor,
                action=action,
                left=left,
            ),
            nothing=COMMITTEE_MUST_APPROVE,
        ),
        level=assessment.level,
        assessment=assessment.id,
        floor=floor,
        action=action,
        left=left,
    )


def as_refusal(ctx: DecisionContext, shortfall: Violation | None) -> Violation | None:
    """A shortfall refuses an approval that is not the committee's; at proposal it only says
    the committee must decide."""
    if shortfall is None or ctx.stage is not Stage.APPROVE or ctx.actor.is_committee:
        return None
    return shortfall


def check_entitlement(ctx: DecisionContext) -> Violation | None:
    return as_refusal(ctx, entitlement_shortfall(ctx))


def check_threat(ctx: DecisionContext) -> Violation | None:
    return as_refusal(ctx, threat_shortfall(ctx))
