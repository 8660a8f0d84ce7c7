"""Approval chains: the steps a decision needs, by action and condition, from the policy.

The first chain whose conditions all hold applies; with none, the provider's approver (or the
committee) decides alone. The floors (R-ENTITLEMENT, R-THREAT) are judged at the last step, so a
chain that does not end with the committee cannot carry a decision below a floor."""

from __future__ import annotations

from dataclasses import dataclass

from hifazat.domain.policy import THREAT_LEVELS

APPROVER = "approver"
COMMITTEE = "committee"


@dataclass(frozen=True)
class Chain:
    name: str
    steps: tuple[str, ...]
    actions: frozenset[str] | None = None
    emergency: bool | None = None
    threat_at_least: str | None = None
    below_floor: bool | None = None

    def applies(self, action: str, emergency: bool, threat: str | None, below_floor: bool) -> bool:
        if self.actions is not None and action not in self.actions:
            return False
        if self.emergency is not None and emergency != self.emergency:
            return False
        if self.threat_at_least is not None:
            level = THREAT_LEVELS.index(threat) if threat in THREAT_LEVELS else 0
            if level < THREAT_LEVELS.index(self.threat_at_least):
                return False
        return self.below_floor is None or below_floor == self.below_floor


DEFAULT = Chain("default", (APPROVER,))


def steps_for(
    chains: tuple[Chain, ...], action: str, emergency: bool, threat: str | None, below_floor: bool
) -> tuple[str, ...]:
    chain = next((c for c in chains if c.applies(action, emergency, threat, below_floor)), DEFAULT)
    return chain.steps
