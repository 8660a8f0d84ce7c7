"""R-STATE and R-AUTHORITY over a decision's life after it is proposed: what may be approved,
who may rescind what and when, that a rescission strands no later change, and that only cover
a decision changed can be restored."""

from __future__ import annotations

from collections.abc import Iterable

from hifazat.domain.coverage import replay
from hifazat.domain.decision import Decision, DecisionState
from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.provider import Provider
from hifazat.domain.said import Ref, Said, Term
from hifazat.domain.users import User
from hifazat.domain.words import N_

#: the states a decision may be rescinded in: before it takes effect
RESCINDABLE = frozenset({DecisionState.PROPOSED, DecisionState.APPROVED})


def check_approvable(decision: Decision, state: DecisionState | None) -> None:
    if state is not DecisionState.PROPOSED:
        raise Refusal(
            Violation.of(
                "R-STATE",
                N_("decision {decision} is {state}; it cannot be approved"),
                decision=decision.id,
                state=Term("decision state", str(state)),
            )
        )


def check_rescinding(actor: User, decision: Decision, state: DecisionState | None) -> None:
    if state not in RESCINDABLE:
        why = N_("already in effect: a new decision is needed") if state else N_("not yet proposed")
        raise Refusal(
            Violation.of(
                "R-STATE",
                N_("decision {decision} is {state}; {why}"),
                decision=decision.id,
                state=Term("decision state", str(state)),
                why=Said(why),
            )
        )
    if actor.id != decision.proposed_by and not actor.can_approve_for(decision.provider_id):
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_(
                    "{who} may not rescind {decision}: only its proposer, an approver of "
                    "{force} or the committee may"
                ),
                who=Ref("user", actor.id),
                decision=decision.id,
                force=Ref("provider", decision.provider_id),
            )
        )


def check_rest_still_fits(decision: Decision, rest: Iterable[Decision], provider: Provider) -> None:
    """Rescinding a pending grant must not strand a pending change that builds on it."""
    try:
        replay(list(rest), provider)
    except Refusal as refusal:
        broken = refusal.violations[0]
        raise Refusal(
            Violation.of(
                "R-STATE",
                N_("rescinding {decision} breaks a later decision: {why}"),
                decision=decision.id,
                why=broken.said or broken.message,
            )
        ) from None


def check_chain_named(decision: Decision, named: int, next_role: str | None) -> None:
    """An imported decision names every approver of its chain: one left undecided after the
    approvals its file lists is refused, saying how many the chain needs."""
    if decision.decided_at is None:
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_(
                    "the approval chain needs {needed} or more approvals (next: {next}); the "
                    "file names {named}: list every step's approver in approved_by"
                ),
                needed=len(decision.steps) + 1,
                next=next_role,
                named=named,
            )
        )


def check_restorable(decision: Decision, opened_cover: bool) -> None:
    """A decision that opened cover has nothing before it to restore (a grant is undone by a
    withdrawal, proposed like any other)."""
    if opened_cover:
        raise Refusal(
            Violation.of(
                "R-STATE", N_("{decision} opened cover: nothing to restore"), decision=decision.id
            )
        )
