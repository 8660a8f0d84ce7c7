"""The layered status of a protectee at any instant: every provider's cover, what is pending."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from hifazat.domain.coverage import Cover, replay
from hifazat.domain.decision import Decision, DecisionState
from hifazat.domain.flags import Flag
from hifazat.domain.protectee import Protectee
from hifazat.domain.provider import Provider


def covers_at(
    decisions: Iterable[Decision], providers: Mapping[str, Provider], at: datetime
) -> list[Cover]:
    """Each provider's latest cover (open or withdrawn), replaying what was in force at `at`."""
    by_provider: dict[str, list[Decision]] = defaultdict(list)
    for decision in decisions:
        if decision.in_force_by(at):
            by_provider[decision.provider_id].append(decision)
    covers = []
    for provider_id in sorted(by_provider):
        cover = replay(by_provider[provider_id], providers[provider_id])
        if cover is not None:
            covers.append(cover)
    return covers


@dataclass(frozen=True)
class Status:
    protectee: Protectee
    at: datetime
    covers: tuple[Cover, ...]
    pending: tuple[Decision, ...]
    proposed: tuple[Decision, ...]
    flags: tuple[Flag, ...]

    @property
    def totals(self) -> tuple[int, int]:
        """Officers and vehicles deployed: a suspended detail is listed but stood down."""
        personnel = sum(c.committed[0] for c in self.covers)
        vehicles = sum(c.committed[1] for c in self.covers)
        return personnel, vehicles


def layered_status(
    protectee: Protectee,
    decisions: Iterable[Decision],
    providers: Mapping[str, Provider],
    at: datetime,
    flags: Iterable[Flag] = (),
) -> Status:
    decisions = list(decisions)
    covers = [c for c in covers_at(decisions, providers, at) if c.open]
    waiting = sorted(
        (d for d in decisions if d.state_at(at) in (DecisionState.APPROVED, DecisionState.HELD)),
        key=lambda d: (d.effective_at or at, d.id),
    )
    proposed = sorted(
        (d for d in decisions if d.state_at(at) is DecisionState.PROPOSED),
        key=lambda d: (d.proposed_at, d.id),
    )
    return Status(protectee, at, tuple(covers), tuple(waiting), tuple(proposed), tuple(flags))
