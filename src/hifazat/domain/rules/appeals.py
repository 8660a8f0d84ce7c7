"""R-AUTHORITY and R-STATE for appeals: only the protectee, or a liaison acting with their
consent, appeals; only a decision made (approved, or in effect) is appealed; only the committee
rules, and never a member who approved the decision."""

from __future__ import annotations

from datetime import datetime

from hifazat.domain.decision import Decision, DecisionState
from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.protectee import Protectee
from hifazat.domain.said import Ref, Term
from hifazat.domain.users import User
from hifazat.domain.words import N_

#: the states of a decision that may be appealed: made, whether or not yet in effect
APPEALABLE = frozenset({DecisionState.APPROVED, DecisionState.EFFECTIVE})


def check_lodging(actor: User, protectee: Protectee, decision: Decision, now: datetime) -> None:
    if actor.protectee_id != protectee.id and actor.id not in protectee.liaisons:
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_(
                    "{who} may not appeal for {person}: only the protectee or a liaison "
                    "acting with their consent may"
                ),
                who=Ref("user", actor.id),
                person=Ref("person", protectee.id),
            )
        )
    state = decision.state_at(now)
    if state not in APPEALABLE:
        raise Refusal(
            Violation.of(
                "R-STATE",
                N_("{decision} is {state}: only a decision made can be appealed"),
                decision=decision.id,
                state=Term("decision state", str(state)),
            )
        )


def check_ruler(actor: User) -> None:
    if not actor.is_committee:
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_("{who} may not decide appeals: needs committee"),
                who=Ref("user", actor.id),
            )
        )


def check_impartial(actor: User, decision: Decision) -> None:
    """Nobody judges the appeal against a decision they approved, at any step."""
    if actor.id == decision.approved_by or actor.id in {s.by for s in decision.steps}:
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_("{who} approved {decision} and may not judge its appeal"),
                who=Ref("user", actor.id),
                decision=decision.id,
            )
        )
