"""Flag rules on their own: clusters, reviews, basis, sanctioned pools, ground reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hifazat.domain.coverage import Cover, CoverState
from hifazat.domain.decision import Basis
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.flags import (
    AdverseEvent,
    basis_flags,
    cluster_flags,
    discrepancy_flags,
    review_flags,
    sanction_flags,
)
from hifazat.domain.protectee import Office
from hifazat.domain.threat import ThreatAssessment
from tests.unit.domain.builders import LEADER, POLICY, SINDH, T0

COVER = Cover(
    "d-0",
    "ali",
    "sindh-police",
    "dedicated",
    3,
    8,
    2,
    CoverState.ACTIVE,
    Basis.POSITIONAL,
    T0,
    "d-0",
)


def _event(n: int, days: float, provider: str = "sindh-police", aff: str = "MQM-P") -> AdverseEvent:
    return AdverseEvent(f"e-{n}", "withdrawals", f"p-{n}", provider, aff, T0 + timedelta(days=days))


class TestCluster:
    def test_three_within_seven_days_is_one_cluster(self) -> None:
        [flag] = cluster_flags([_event(1, 0), _event(2, 3), _event(3, 7)])
        assert flag.rule == "CLUSTER" and flag.evidence == ("e-1", "e-2", "e-3")
        assert (flag.provider, flag.subject) == ("sindh-police", "MQM-P")

    def test_spread_out_events_are_not_a_cluster(self) -> None:
        assert cluster_flags([_event(1, 0), _event(2, 4), _event(3, 8)]) == []

    def test_other_provider_or_affiliation_does_not_count(self) -> None:
        events = [_event(1, 0), _event(2, 1), _event(3, 2, provider="moi-federal")]
        assert cluster_flags(events) == []
        events = [_event(1, 0), _event(2, 1), _event(3, 2, aff="PPP")]
        assert cluster_flags(events) == []

    def test_overlapping_windows_chain_into_one_finding(self) -> None:
        events = [_event(n, d) for n, d in enumerate([0, 2, 6, 9, 12])]
        [flag] = cluster_flags(events)
        assert len(flag.evidence) == 5

    def test_separate_purges_are_separate_findings(self) -> None:
        events = [_event(n, d) for n, d in enumerate([0, 1, 2, 30, 31, 32])]
        assert [len(f.evidence) for f in cluster_flags(events)] == [3, 3]


class TestReview:
    def test_overdue_after_the_period(self) -> None:
        assert review_flags([COVER], {}, POLICY, T0 + timedelta(days=180)) == []
        [flag] = review_flags([COVER], {}, POLICY, T0 + timedelta(days=181))
        assert flag.since == T0 + timedelta(days=180) and flag.subject == "d-0"

    def test_a_later_review_resets_the_clock(self) -> None:
        seen = {"d-0": T0 + timedelta(days=100)}
        assert review_flags([COVER], seen, POLICY, T0 + timedelta(days=200)) == []

    def test_withdrawn_cover_needs_no_review(self) -> None:
        gone = replace(COVER, state=CoverState.WITHDRAWN)
        assert review_flags([gone], {}, POLICY, T0 + timedelta(days=400)) == []


class TestBasis:
    def test_positional_cover_after_the_office_ended(self) -> None:
        ended = replace(LEADER, offices=(Office("mpa", "MPA", date(2024, 1, 1), date(2026, 2, 1)),))
        assert basis_flags([COVER], ended, [], POLICY, T0) == []
        [flag] = basis_flags([COVER], ended, [], POLICY, T0 + timedelta(days=40))
        assert flag.rule == "R-BASIS" and "no office" in flag.detail

    def test_threat_cover_without_valid_assessment(self) -> None:
        threat_cover = replace(COVER, basis=Basis.THREAT)
        a = ThreatAssessment("t-1", "ali", "high", "SB", T0, T0 + timedelta(days=10), "s", "sb", T0)
        assert basis_flags([threat_cover], LEADER, [a], POLICY, T0 + timedelta(days=5)) == []
        [flag] = basis_flags([threat_cover], LEADER, [a], POLICY, T0 + timedelta(days=11))
        assert flag.since == T0 + timedelta(days=10)


class TestSanction:
    def test_pool_exceeded(self) -> None:
        assert sanction_flags(SINDH, [COVER], T0) == []  # 8 of 10 officers, 2 of 2 vehicles
        [flag] = sanction_flags(SINDH, [COVER, replace(COVER, coverage="d-9")], T0)
        assert "16 personnel committed against a pool of 10" in flag.detail
        assert "4 vehicles" in flag.detail

    def test_suspended_detail_is_stood_down(self) -> None:
        off = replace(COVER, coverage="d-9", state=CoverState.SUSPENDED)
        assert sanction_flags(SINDH, [COVER, off], T0) == []


def test_open_ground_reports_are_flagged_once_reported() -> None:
    report = DiscrepancyReport(
        "g-1",
        "ali",
        "sindh-police",
        "liaison",
        T0,
        T0 + timedelta(hours=2),
        "Guards withdrawn overnight",
    )
    assert discrepancy_flags([report], T0 + timedelta(hours=1)) == []
    [flag] = discrepancy_flags([report], T0 + timedelta(hours=3))
    assert flag.subject == "g-1" and flag.since == T0
