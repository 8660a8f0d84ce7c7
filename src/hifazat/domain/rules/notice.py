"""R-NOTICE: cover is not taken away before the protectee has had the notice period, unless it is
an emergency; and nothing takes effect before it was decided (no back-dating)."""

from __future__ import annotations

from hifazat.domain.decision import REDUCING
from hifazat.domain.errors import Violation
from hifazat.domain.rules.context import DecisionContext, Stage
from hifazat.domain.said import At, Span, Term
from hifazat.domain.words import N_

RULE = "R-NOTICE"


def check(ctx: DecisionContext) -> Violation | None:
    if ctx.stage is Stage.RECOMMEND:
        return None  # judged when the decision is made, against its time
    decision = ctx.decision
    decided = decision.decided_at or ctx.at
    effective = decision.effective_at or decision.requested_effective_at
    if effective is None:
        return None
    zone = ctx.policy.timezone  # the times as the person who typed them reads them

    if effective < decided:
        return Violation.of(
            RULE,
            N_("effective time {effective} is before the decision at {decided}"),
            effective=At(effective, zone),
            decided=At(decided, zone),
        )
    if decision.action in REDUCING and not decision.emergency:
        earliest = decided + ctx.policy.notice_period
        if effective < earliest:
            return Violation.of(
                RULE,
                N_(
                    "{action} needs {period} notice: effective no earlier than {earliest} "
                    "(asked {asked}), unless it is an emergency"
                ),
                action=Term("action", decision.action.value),
                period=Span(ctx.policy.notice_period),
                earliest=At(earliest, zone),
                asked=At(effective, zone),
            )
    return None
