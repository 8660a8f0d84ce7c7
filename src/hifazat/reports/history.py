"""The record a report reads, and each cover's life as a timeline of steps.

Reports replay decisions once into timelines instead of calling `covers_at` per instant:
an audit asks about hundreds of instants, and a timeline answers each by lookup."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from hifazat.domain.coverage import Cover, apply
from hifazat.domain.decision import Decision, replay_order
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.errors import InvalidInput
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Protectee
from hifazat.domain.provider import Provider
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.times import require_aware


@dataclass(frozen=True)
class History:
    """Everything the registry recorded; each report judges it as known at its `now`."""

    policy: Policy
    providers: Mapping[str, Provider]
    protectees: Mapping[str, Protectee]
    decisions: Sequence[Decision]
    assessments: Sequence[ThreatAssessment] = ()
    reports: Sequence[DiscrepancyReport] = ()

    def assessments_by_protectee(self) -> dict[str, list[ThreatAssessment]]:
        return by_protectee(self.assessments)


def by_protectee(assessments: Iterable[ThreatAssessment]) -> dict[str, list[ThreatAssessment]]:
    """Each protectee's assessments, in the order given (a report's and its lean twin's)."""
    index: dict[str, list[ThreatAssessment]] = defaultdict(list)
    for assessment in assessments:
        index[assessment.protectee_id].append(assessment)
    return index


@dataclass(frozen=True)
class Step:
    """One decision taking effect, and the cover it leaves."""

    at: datetime
    decision: Decision
    cover: Cover


#: (protectee, provider) -> its steps in effective order
Timelines = dict[tuple[str, str], list[Step]]


def timelines(decisions: Iterable[Decision], providers: Mapping[str, Provider]) -> Timelines:
    """Replay each (protectee, provider) once, keeping every intermediate cover."""
    grouped: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for decision in decisions:
        grouped[(decision.protectee_id, decision.provider_id)].append(decision)
    result: Timelines = {}
    for key in sorted(grouped):
        steps: list[Step] = []
        cover: Cover | None = None
        for decision in sorted(grouped[key], key=replay_order):
            at = decision.takes_effect_at
            assert at is not None
            cover = apply(cover, decision, providers[key[1]], at)
            steps.append(Step(at, decision, cover))
        result[key] = steps
    return result


def as_known(decision: Decision, now: datetime) -> Decision:
    """The decision without an appeal lodged after `now`: judging a past instant must not see
    it (and `Decision.state_at` cannot judge an instant before a hold that was later upheld)."""
    if decision.hold is not None and now < decision.hold.lodged_at:
        return replace(decision, hold=None)
    return decision


def in_force(decisions: Iterable[Decision], now: datetime) -> list[Decision]:
    """Only what had taken effect by `now`, as known then, is history."""
    return [k for k in (as_known(d, now) for d in decisions) if k.in_force_by(now)]


def cover_before(steps: Sequence[Step], at: datetime) -> Cover | None:
    """The cover in place just before `at` (a step at exactly `at` has not yet bitten)."""
    index = bisect_left(steps, at, key=lambda step: step.at)
    return steps[index - 1].cover if index else None


def check_period(start: datetime, end: datetime, now: datetime) -> None:
    for value, name in ((start, "start"), (end, "end"), (now, "now")):
        require_aware(value, name)
    if start > end:  # an empty period (start = end) is allowed, and holds nothing
        raise InvalidInput("period", "the period must not start after it ends")
