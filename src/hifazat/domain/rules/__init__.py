"""The refusing rules, in the order a refusal names them."""

from __future__ import annotations

from collections.abc import Callable

from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.rules import authority, floors, notice, reason, state
from hifazat.domain.rules.context import DecisionContext, Stage

Rule = Callable[[DecisionContext], Violation | None]

#: the rules every decision meets, before the floors (which come last in a refusal)
CHECKS: tuple[Rule, ...] = (reason.check, authority.check, state.check, notice.check)


def committee_required(ctx: DecisionContext) -> list[Violation]:
    """Why only the committee may approve this decision (empty: the provider's approver may);
    each as the rule that says so, to be shown to each reader as access allows."""
    reasons = [floors.entitlement_shortfall(ctx), floors.threat_shortfall(ctx)]
    return [r for r in reasons if r is not None]


def evaluate(ctx: DecisionContext, shortfalls: list[Violation] | None = None) -> list[Violation]:
    """Every rule the decision fails, in the order a refusal names them; the floors' shortfalls
    (`committee_required`) are found once, or taken from a caller that has them."""
    found = committee_required(ctx) if shortfalls is None else shortfalls
    failed = [v for rule in CHECKS if (v := rule(ctx)) is not None]
    return failed + [v for s in found if (v := floors.as_refusal(ctx, s)) is not None]


def enforce(ctx: DecisionContext, shortfalls: list[Violation] | None = None) -> list[Violation]:
    """Refuses the decision where a rule fails; else returns why only the committee may approve
    it, so that a caller finds the floors once per decision, not once per question."""
    found = committee_required(ctx) if shortfalls is None else shortfalls
    violations = evaluate(ctx, found)
    if violations:
        raise Refusal(violations)
    return found


__all__ = ["DecisionContext", "Stage", "committee_required", "enforce", "evaluate"]
