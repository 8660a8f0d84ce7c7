"""The fairness audit on small hand-built histories: who counts, where, and when."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from hifazat.domain.decision import Action, Decision
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.errors import InvalidInput
from hifazat.domain.protectee import Affiliation, Office, Protectee
from hifazat.domain.threat import ThreatAssessment
from hifazat.reports.cohorts import Cohort, cohort_at
from hifazat.reports.fairness import History, audit
from tests.unit.domain.builders import SINDH, T0, approved, decision
from tests.unit.reports.synthetic import SYNTH_POLICY

DAY = timedelta(days=1)
START, END, NOW = T0, T0 + 30 * DAY, T0 + 40 * DAY
MPA = Cohort("mpa", "none")


def person(n: int, party: str | None = "MQM-P", office: str | None = "mpa") -> Protectee:
    offices = (Office(office, office, date(2020, 1, 1)),) if office else ()
    parties = (Affiliation(party),) if party else ()
    return Protectee(f"p-{n}", f"P {n}", True, offices, parties)


def grant(n: int, at: datetime = START - 10 * DAY) -> Decision:
    return approved(decision(id=f"g-{n}", protectee_id=f"p-{n}"), at)


def cut(n: int, at: datetime, action: Action = Action.WITHDRAW) -> Decision:
    extra = {"category": "standard"} if action is Action.DOWNGRADE else {}
    return approved(decision(action, id=f"w-{n}", protectee_id=f"p-{n}", **extra), at)


def history(
    people: list[Protectee],
    decisions: list[Decision],
    reports: tuple[DiscrepancyReport, ...] = (),
    assessments: tuple[ThreatAssessment, ...] = (),
) -> History:
    protectees = {p.id: p for p in people}
    return History(SYNTH_POLICY, {SINDH.id: SINDH}, protectees, decisions, assessments, reports)


def cohort_of_ten(affected: int, party: str = "PTI") -> tuple[list[Protectee], list[Decision]]:
    """`affected` of 3 `party` protectees and none of 10 MQM-P ones lose cover a week apart."""
    people = [person(n, party if n < 3 else "MQM-P") for n in range(13)]
    decisions = [grant(n) for n in range(13)]
    decisions += [cut(n, START + 8 * n * DAY) for n in range(affected)]
    return people, decisions


class TestDisparity:
    def test_three_of_three_against_none_of_ten_is_flagged(self) -> None:
        result = audit(history(*cohort_of_ten(3)), START, END, NOW)
        [table] = result.tables
        assert table.cohort == MPA and [r.affiliation for r in table.rows] == ["MQM-P", "PTI"]
        pti = table.rows[1]
        assert (pti.protectees, pti.affected, pti.events) == (3, 3, 3)
        assert pti.p_value == pytest.approx(1 / 286)  # one table in C(13, 3) is this extreme
        [finding] = result.findings
        assert finding.kind == "disparity" and finding.evidence == ("w-0", "w-1", "w-2")
        assert finding.rest is not None and (finding.rest.protectees, finding.rest.affected) == (
            10,
            0,
        )

    def test_fewer_than_three_events_are_never_flagged(self) -> None:
        result = audit(history(*cohort_of_ten(2)), START, END, NOW)
        pti = result.tables[0].rows[1]
        assert pti.p_value is not None and pti.p_value < 0.05 and not pti.flagged
        assert result.findings == ()

    def test_only_what_took_effect_in_the_period_and_by_now_counts(self) -> None:
        people, decisions = cohort_of_ten(0)
        decisions += [
            cut(0, START),  # at the start: in
            cut(1, END),  # at the end: out
            cut(2, START + DAY, Action.DOWNGRADE),
        ]
        late = approved(decision(Action.WITHDRAW, id="w-late", protectee_id="p-3"), NOW, NOW)
        rescinded = replace(cut(4, START + 2 * DAY), rescinded_at=START, rescinded_by="chief")
        decisions += [late, rescinded]
        pti = audit(history(people, decisions), START, END, NOW - DAY).tables[0].rows[1]
        assert pti.evidence == ("w-0", "w-2")

    def test_unaffiliated_protectees_are_tabled_but_not_tested(self) -> None:
        people = [person(0, None), person(1), person(2, None)]
        result = audit(history(people, [grant(n) for n in range(3)]), START, END, NOW)
        rows = result.tables[0].rows
        assert [(r.affiliation, r.protectees, r.p_value) for r in rows][1] == ("none", 2, None)
        assert rows[0].p_value == 1.0

    def test_a_cohort_of_one_affiliation_has_nothing_to_compare_with(self) -> None:
        people = [person(n) for n in range(4)]
        decisions = [grant(n) for n in range(4)] + [cut(n, START + DAY) for n in range(3)]
        [row] = audit(history(people, decisions), START, END, NOW).tables[0].rows
        assert row.events == 3 and row.p_value is None and not row.flagged


class TestCohorts:
    def test_the_office_with_the_highest_entitlement_names_the_cohort(self) -> None:
        both = replace(
            person(0),
            offices=(
                Office("mpa", "MPA", date(2020, 1, 1)),
                Office("mna", "MNA", date(2025, 1, 1)),
            ),
        )
        assert cohort_at(SYNTH_POLICY, both, (), START) == Cohort("mna", "none")
        assert cohort_at(SYNTH_POLICY, person(1, office=None), (), START).office_class == "none"

    def test_population_is_held_or_granted_cover_and_events_count_where_they_happen(
        self,
    ) -> None:
        # p-0 is an MPA with cover at the start; an assessment makes it 'mpa / high' before
        # it is withdrawn; p-1 is granted cover mid-period; p-2 lost cover before the period.
        threat = ThreatAssessment(
            "t-0", "p-0", "high", "CTD", START + 5 * DAY, END, "", "intel", START + 5 * DAY
        )
        decisions = [
            grant(0),
            cut(0, START + 10 * DAY),
            grant(1, START + 3 * DAY),
            grant(2, START - 30 * DAY),
            cut(2, START - 20 * DAY),
        ]
        result = audit(
            history([person(0), person(1), person(2)], decisions, assessments=(threat,)),
            START,
            END,
            NOW,
        )
        tables = {t.cohort: t for t in result.tables}
        assert list(tables) == [MPA, Cohort("mpa", "high")]
        assert (tables[MPA].protectees, tables[MPA].affected) == (2, 0)
        high = tables[Cohort("mpa", "high")]
        assert (high.protectees, high.affected, high.rows[0].evidence) == (1, 1, ("w-0",))

    def test_the_period_must_be_ordered_and_aware(self) -> None:
        with pytest.raises(InvalidInput):
            audit(history([], []), END, START, NOW)
        with pytest.raises(InvalidInput):
            audit(history([], []), START.replace(tzinfo=None), END, NOW)


def report(n: int, at: datetime, **kw: Any) -> DiscrepancyReport:
    base = DiscrepancyReport(
        f"r-{n}", f"p-{n}", SINDH.id, "liaison", at, at + DAY, "guards withdrawn, no decision"
    )
    return replace(base, **kw)


class TestClusters:
    def test_three_withdrawals_in_a_week_are_a_cluster_with_evidence(self) -> None:
        people = [person(n) for n in range(5)]
        decisions = [grant(n) for n in range(5)]
        decisions += [cut(0, START + DAY), cut(1, START + 3 * DAY), cut(2, START + 8 * DAY)]
        decisions += [cut(3, START + 20 * DAY)]  # too late to join
        [finding] = audit(history(people, decisions), START, END, NOW).findings
        assert (finding.kind, finding.provider, finding.affiliation) == (
            "cluster",
            "sindh-police",
            "MQM-P",
        )
        assert finding.evidence == ("w-0", "w-1", "w-2") and finding.since == START + DAY
        assert finding.cohort is None and "3 withdrawals" in finding.detail

    def test_ground_reports_join_unless_found_unfounded_as_known_at_now(self) -> None:
        people = [person(n) for n in range(4)]
        decisions = [grant(n) for n in range(4)] + [cut(0, START + DAY)]
        reports = (
            report(1, START + 2 * DAY),
            report(2, START + 3 * DAY, resolution="unfounded", resolved_at=NOW + DAY),
            report(3, START + 4 * DAY, resolution="unfounded", resolved_at=START + 6 * DAY),
        )
        [finding] = audit(history(people, decisions, reports), START, END, NOW).findings
        assert finding.evidence == ("w-0", "r-1", "r-2")
        assert "ground reports and withdrawals" in finding.detail
        later = audit(history(people, decisions, reports), START, END, NOW + 2 * DAY)
        assert later.findings == ()

    def test_a_founded_report_stays_evidence_once_resolved(self) -> None:
        people = [person(n) for n in range(3)]
        decisions = [grant(n) for n in range(3)] + [cut(0, START + DAY)]
        reports = (
            report(1, START + 2 * DAY, resolution="restored", resolved_at=START + 3 * DAY),
            report(2, START + 3 * DAY, resolution="decision-recorded", resolved_at=START + 4 * DAY),
        )
        [finding] = audit(history(people, decisions, reports), START, END, NOW).findings
        assert finding.evidence == ("w-0", "r-1", "r-2")

    def test_events_outside_the_period_form_no_cluster(self) -> None:
        people = [person(n) for n in range(3)]
        decisions = [grant(n, START - 30 * DAY) for n in range(3)]
        decisions += [cut(0, START - DAY), cut(1, START + DAY), cut(2, START + 2 * DAY)]
        assert audit(history(people, decisions), START, END, NOW).findings == ()


def test_as_dict_is_json_ready_with_utc_times() -> None:
    people, decisions = cohort_of_ten(0)
    decisions += [cut(n, START + n * DAY) for n in range(3)]  # a disparity and a cluster
    result = audit(history(people, decisions), START, END, NOW).as_dict()
    text = json.dumps(result, sort_keys=True)
    assert json.loads(text) == result
    assert result["from"] == "2026-01-01T09:00:00Z" and result["alpha"] == 0.05
    kinds = [f["kind"] for f in result["findings"]]
    assert kinds == ["disparity", "cluster"]
    assert result["findings"][1]["since"] == "2026-01-01T09:00:00Z"
    assert result["findings"][0]["cohort"] == {"office_class": "mpa", "threat_level": "none"}
