"""R-REASON: every decision carries a reason code from the policy and a real explanation."""

from __future__ import annotations

from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.fields import REASON, check_text
from hifazat.domain.policy import Policy
from hifazat.domain.rules.context import DecisionContext
from hifazat.domain.said import Said
from hifazat.domain.words import N_

RULE = "R-REASON"


def check_explained(policy: Policy, text: str, what: str = N_("the reason")) -> None:
    """Refuses (R-REASON) any other act that must say why — a rescission, an appeal, a ruling,
    a review, a resolution — by the same measure as a decision's reason; text that no field
    may hold (domain.fields) is invalid input, before any rule."""
    check_text(text, REASON, "grounds" if "grounds" in what else "reason")
    length = len(" ".join(text.split()))
    if length < policy.min_reason_length:
        raise Refusal(
            Violation.of(
                RULE,
                N_("{what} must say why in at least {least} characters (got {length})"),
                what=Said(what),
                least=policy.min_reason_length,
                length=length,
            )
        )


def check(ctx: DecisionContext) -> Violation | None:
    policy, decision = ctx.policy, ctx.decision
    if not decision.reason_code:
        codes = ", ".join(policy.reason_codes)
        return Violation.of(RULE, N_("a reason code is required: {codes}"), codes=codes)
    if decision.reason_code not in policy.reason_codes:
        codes = ", ".join(policy.reason_codes)
        return Violation.of(
            RULE,
            N_("unknown reason code {code}; use one of {codes}"),
            code=repr(decision.reason_code),
            codes=codes,
        )
    length = len(" ".join(decision.reason.split()))
    if length < policy.min_reason_length:
        return Violation.of(
            RULE,
            N_("the reason must say why in at least {least} characters (got {length})"),
            least=policy.min_reason_length,
            length=length,
        )
    return None
