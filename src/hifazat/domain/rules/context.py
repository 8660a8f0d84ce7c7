"""What every refusing rule looks at: one decision, at one stage, against its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hifazat.domain.coverage import Cover
from hifazat.domain.decision import LAST, Decision, replay_order
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Protectee
from hifazat.domain.provider import Provider
from hifazat.domain.rules.replays import replay
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.times import local_date
from hifazat.domain.users import User


class Stage(StrEnum):
    PROPOSE = "propose"
    RECOMMEND = "recommend"  # a step of an approval chain short of the last
    APPROVE = "approve"  # the last step: the decision is made


@dataclass(frozen=True)
class DecisionContext:
    policy: Policy
    decision: Decision
    protectee: Protectee
    provider: Provider
    #: the other approved, unrescinded decisions of this protectee at this provider
    history: tuple[Decision, ...]
    assessments: tuple[ThreatAssessment, ...]
    #: the proposer when proposing, the approver when approving
    actor: User
    stage: Stage
    at: datetime
    #: the role the approval chain asks of this step, how long the chain is, who signed before
    step_role: str = "approver"
    chain_length: int = 1
    earlier_approvers: frozenset[str] = frozenset()
    #: the committee carrying out its own ruling (an appeal, a refused ratification)
    ruling: bool = False

    @property
    def effective_at(self) -> datetime:
        """When the change would bite: its effective time once approved, else the soonest."""
        d = self.decision
        return d.effective_at or d.requested_effective_at or self.at

    def cover_before(self) -> Cover | None:
        """The cover in force just before this decision would take effect; worked out once per
        context, as several rules ask (the context is frozen, so the answer cannot change)."""
        if "_cover_before" in self.__dict__:
            cover: Cover | None = self.__dict__["_cover_before"]
            return cover
        when = self.effective_at
        earlier = [
            d
            for d in self.history
            if d.takes_effect_at is not None
            and replay_order(d) <= (when, self.at, LAST, self.decision.id)
        ]
        cover = replay(earlier, self.provider)
        object.__setattr__(self, "_cover_before", cover)
        return cover

    def office_classes(self) -> list[str]:
        day = local_date(self.effective_at, self.policy.timezone)
        return [o.office_class for o in self.protectee.offices_on(day)]
