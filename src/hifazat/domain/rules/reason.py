"""R-REASON: every decision carries a reason code from the policy and a real explanation."""

from __future__ import annotations

from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.fields import REASON, check_text
from hifazat.domain.policy import Policy
from hifazat.domain.rules.context import DecisionContext

RULE = "R-REASON"


def explained(policy: Policy, text: str, what: str = "the reason") -> None:
    """Refuses (R-REASON) any other act that must say why — a rescission, an appeal, a ruling,
    a review, a resolution — by the same measure as a decision's reason; text that no field
    may hold (domain.fields) is invalid input, before any rule."""
    check_text(text, REASON, "grounds" if "grounds" in what else "reason")
    length = len(" ".join(text.split()))
    if length < policy.min_reason_length:
        raise Refusal(
            Violation(
                RULE,
                f"{what} must say why in at least {policy.min_reason_length} characters "
                f"(got {length})",
            )
        )


def check(ctx: DecisionContext) -> Violation | None:
    policy, decision = ctx.policy, ctx.decision
    if not decision.reason_code:
        return Violation(RULE, "a reason code is required: " + ", ".join(policy.reason_codes))
    if decision.reason_code not in policy.reason_codes:
        codes = ", ".join(policy.reason_codes)
        return Violation(RULE, f"unknown reason code {decision.reason_code!r}; use one of {codes}")
    length = len(" ".join(decision.reason.split()))
    if length < policy.min_reason_length:
        return Violation(
            RULE,
            f"the reason must say why in at least {policy.min_reason_length} characters "
            f"(got {length})",
        )
    return None
