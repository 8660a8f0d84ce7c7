"""The refusing rules, in the order a refusal names them."""

from __future__ import annotations

from collections.abc import Callable

from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.rules import authority, floors, notice, reason, state
from hifazat.domain.rules.context import DecisionContext, Stage

Rule = Callable[[DecisionContext], Violation | None]

RULES: tuple[Rule, ...] = (
    reason.check,
    authority.check,
    state.check,
    notice.check,
    floors.check_entitlement,
    floors.check_threat,
)


def evaluate(ctx: DecisionContext) -> list[Violation]:
    return [v for rule in RULES if (v := rule(ctx)) is not None]


def enforce(ctx: DecisionContext) -> None:
    violations = evaluate(ctx)
    if violations:
        raise Refusal(violations)


def committee_required(ctx: DecisionContext) -> list[Violation]:
    """Why only the committee may approve this decision (empty: the provider's approver may);
    each as the rule that says so, to be shown to each reader as access allows."""
    reasons = [floors.entitlement_shortfall(ctx), floors.threat_shortfall(ctx)]
    return [r for r in reasons if r is not None]


__all__ = ["DecisionContext", "Stage", "committee_required", "enforce", "evaluate"]
