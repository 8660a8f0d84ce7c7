"""R-NOTICE: cover is not taken away before the protectee has had the notice period, unless it is
an emergency; and nothing takes effect before it was decided (no back-dating)."""

from __future__ import annotations

from hifazat.domain.decision import REDUCING
from hifazat.domain.errors import Violation
from hifazat.domain.rules.context import DecisionContext, Stage
from hifazat.domain.times import format_duration, local_text

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
        return Violation(
            RULE,
            f"effective time {local_text(effective, zone)} is before the decision at "
            f"{local_text(decided, zone)}",
        )
    if decision.action in REDUCING and not decision.emergency:
        earliest = decided + ctx.policy.notice_period
        if effective < earliest:
            return Violation(
                RULE,
                f"{decision.action} needs {format_duration(ctx.policy.notice_period)} notice: "
                f"effective no earlier than {local_text(earliest, zone)} "
                f"(asked {local_text(effective, zone)}), "
                "unless it is an emergency",
            )
    return None
