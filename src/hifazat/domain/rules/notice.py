"""R-NOTICE: cover is not taken away before the protectee has had the notice period, unless it is
an emergency; and nothing takes effect before it was decided (no back-dating)."""

from __future__ import annotations

from hifazat.domain.decision import REDUCING
from hifazat.domain.errors import Violation
from hifazat.domain.rules.context import DecisionContext, Stage
from hifazat.domain.times import format_duration, utc_text

RULE = "R-NOTICE"


def check(ctx: DecisionContext) -> Violation | None:
    if ctx.stage is Stage.RECOMMEND:
        return None  # judged when the decision is made, against its time
    decision = ctx.decision
    decided = decision.decided_at or ctx.at
    effective = decision.effective_at or decision.requested_effective_at
    if effective is None:
        return None
    if effective < decided:
        return Violation(
            RULE,
            f"effective time {utc_text(effective)} is before the decision at {utc_text(decided)}",
        )
    if decision.action in REDUCING and not decision.emergency:
        earliest = decided + ctx.policy.notice_period
        if effective < earliest:
            return Violation(
                RULE,
                f"{decision.action} needs {format_duration(ctx.policy.notice_period)} notice: "
                f"effective no earlier than {utc_text(earliest)} (asked {utc_text(effective)}), "
                "unless it is an emergency",
            )
    return None
