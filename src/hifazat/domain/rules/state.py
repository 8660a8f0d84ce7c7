"""R-STATE: the action fits the coverage's state, and every approved change after it still does."""

from __future__ import annotations

from dataclasses import replace

from hifazat.domain.errors import NotFound, Refusal, Violation
from hifazat.domain.rules.context import DecisionContext
from hifazat.domain.rules.replays import replay

RULE = "R-STATE"


def check(ctx: DecisionContext) -> Violation | None:
    decision = ctx.decision
    if decision.effective_at is None:
        # Proposing: judge against the cover as it will be once every approved change has run.
        latest = max((d.takes_effect_at for d in ctx.history if d.takes_effect_at), default=ctx.at)
        when = max(latest, decision.requested_effective_at or ctx.at)
        decision = replace(decision, decided_at=ctx.at, effective_at=when)
    try:
        replay([*ctx.history, decision], ctx.provider)
    except Refusal as refusal:
        return refusal.violations[0]
    except NotFound as missing:
        return Violation(RULE, str(missing))
    return None
