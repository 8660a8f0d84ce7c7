"""The data behind the public report, on a hand-made period whose figures can be worked out:
who is named, what is counted, what is hidden and why."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from hifazat.domain.appeal import Appeal
from hifazat.domain.decision import Action, Basis
from hifazat.domain.errors import InvalidInput
from hifazat.domain.review import Review
from hifazat.reports.transparency import TransparencyReport, build_report
from hifazat.reports.transparency.tables import Cell, Table
from tests.unit.domain.builders import T0
from tests.unit.reports.transparency.histories import (
    DAY,
    END,
    FAROOQ,
    FEDERAL,
    FEDERAL_STANDARD,
    KHALID,
    NASREEN,
    NOW,
    PROVINCE,
    START,
    history,
    made,
    person,
    sample,
)

SMALL, WITHHELD = Cell(None, "small"), Cell(None, "withheld")


def report(**kw: Any) -> TransparencyReport:
    h, appeals = sample()
    return build_report(h, appeals, START, kw.pop("end", END), kw.pop("now", NOW), **kw)


def row(table: Table, provider: str) -> tuple[Cell, ...]:
    return table.cells[[r.key for r in table.rows].index(provider)]


def total(table: Table, provider: str) -> Cell:
    assert table.row_totals is not None
    return table.row_totals[[r.key for r in table.rows].index(provider)]


def opted_in(lag: timedelta = 90 * DAY, **kw: Any) -> TransparencyReport:
    """The sample under a policy that names office-holders' positional cover after `lag`."""
    h, appeals = sample()
    policy = replace(h.policy, name_positional_cover=True, naming_lag=lag)
    decisions = kw.pop("decisions", h.decisions)
    h = replace(h, policy=policy, decisions=decisions)
    return build_report(h, appeals, START, END, kw.pop("now", NOW), **kw)


class TestWhoIsNamed:
    def test_by_default_nobody_is_named_and_public_figures_are_counted(self) -> None:
        r = report()
        assert r.named is None and r.as_dict()["named_positional_cover"] is None
        h, _ = sample()
        text = json.dumps(r.as_dict())
        for p in h.protectees.values():
            assert p.name not in text and p.id not in text
        # federal: Khalid standard, Nasreen nominal; Sindh: Khalid dedicated — all small
        assert row(r.public_figures, FEDERAL.id) == (SMALL, SMALL, Cell(0))
        assert row(r.public_figures, PROVINCE.id) == (Cell(0), Cell(0), SMALL)

    def test_opted_in_office_holders_positional_cover_is_named_as_it_stood_a_lag_ago(
        self,
    ) -> None:
        r = opted_in()
        assert r.named_at == END - 90 * DAY and r.lag_days == 90
        named = [(n.name, n.office, n.provider.key, n.category.name) for n in r.named or ()]
        mpa = "Member of the Provincial Assembly"
        # as of 90 days before the end: Farooq not yet withdrawn, Nasreen not yet cut
        assert named == [
            (FAROOQ.name, mpa, PROVINCE.id, "Standard"),
            (KHALID.name, mpa, FEDERAL.id, "Standard"),
            (KHALID.name, mpa, PROVINCE.id, "Dedicated"),
            (NASREEN.name, mpa, FEDERAL.id, "Dedicated"),
        ]
        doc = r.as_dict()["named_positional_cover"]
        assert doc["lag_days"] == 90 and doc["as_of"] == "2026-01-01T09:00:00Z"

    def test_opted_in_no_private_person_and_no_threat_based_cover_is_named(self) -> None:
        """Private persons hold offices and positional cover in the sample too."""
        h, _ = sample()
        threat = [replace(d, basis=Basis.THREAT) if d.id == "k-2" else d for d in h.decisions]
        r = opted_in(decisions=threat)
        assert [(n.name, n.provider.key) for n in r.named or ()] == [
            (FAROOQ.name, PROVINCE.id),
            (KHALID.name, PROVINCE.id),  # the federal cover rests on a threat: not named
            (NASREEN.name, FEDERAL.id),
        ]
        text = json.dumps(r.as_dict())
        for p in h.protectees.values():
            if not p.public_figure:
                assert p.name not in text and p.id not in text

    def test_cover_granted_within_the_lag_is_not_named(self) -> None:
        r = opted_in(lag=200 * DAY)
        assert r.named == ()  # 200 days before the end, nobody held cover yet

    def test_a_public_figure_whose_cover_was_withdrawn_is_not_listed_anywhere(self) -> None:
        text = json.dumps(report().as_dict())
        assert FAROOQ.name not in text and FAROOQ.id not in text

    def test_no_private_person_nor_any_id_is_published(self) -> None:
        h, appeals = sample()
        text = json.dumps(report().as_dict())
        for p in h.protectees.values():
            if not p.public_figure:
                assert p.name not in text and p.id not in text
        for ident in [d.id for d in h.decisions] + [a.id for a in appeals]:
            assert f'"{ident}"' not in text
        assert "evidence" not in text and "detail" not in text


class TestCounts:
    def test_private_persons_by_provider_and_category(self) -> None:
        table = report().protectees
        assert [c.key for c in table.columns] == ["nominal", "standard", "dedicated"]
        assert row(table, FEDERAL.id) == (Cell(0), Cell(7), Cell(0))
        # 6 nominal and 2 dedicated: the 2 is small, and the 6 goes with it, or the row
        # total (8) would give the 2 back
        assert row(table, PROVINCE.id) == (WITHHELD, Cell(0), SMALL)
        assert total(table, PROVINCE.id) == Cell(8)
        assert table.column_totals == (WITHHELD, Cell(7), SMALL)
        assert table.total == Cell(15)

    def test_resources_are_published_only_beside_published_counts(self) -> None:
        table = report().resources
        # federal: Khalid standard (3, 1), Nasreen nominal (2, 0), seven standard (21, 7):
        # 26 officers less the seven's 21 would give back the two public figures' hidden counts
        assert row(table, FEDERAL.id) == (WITHHELD,) * 4
        assert row(table, PROVINCE.id) == (WITHHELD,) * 4
        assert table.column_totals is None

    def test_decisions_by_action_and_by_reason_share_their_totals(self) -> None:
        r = report()
        for table in (r.by_action, r.by_reason):
            assert total(table, FEDERAL.id) == Cell(6) and total(table, PROVINCE.id) == Cell(8)
            assert table.total == Cell(14)
        # sindh: six grants, two withdrawals (one of a public figure); federal: a downgrade
        # and five withdrawals
        assert row(r.by_action, PROVINCE.id)[0] == WITHHELD
        assert row(r.by_action, FEDERAL.id)[2] == SMALL
        assert r.by_action.column("withdraw") == (WITHHELD, SMALL)
        assert r.by_action.column_totals is not None
        assert r.by_action.column_totals[-1] == Cell(7)

    def test_reviews_emergencies_and_appeals(self) -> None:
        r = report()
        assert r.oversight.column("unratified_emergencies") == (Cell(0), Cell(6))
        assert r.oversight.column_totals == (Cell(9), Cell(6), Cell(6))
        assert total(r.appeals, FEDERAL.id) == Cell(5)  # three upheld, two overturned
        assert row(r.appeals, FEDERAL.id) == (SMALL, SMALL)

    def test_a_review_restarts_the_clock(self) -> None:
        h, _ = sample()
        covers = [d.id for d in h.decisions if d.id.startswith("fs-")]
        reviews = [
            Review(f"rv-{c}", c, "chair", T0 + 10 * DAY, "confirmed", "Still needed")
            for c in covers
        ]
        overdue = report(reviews=reviews).oversight.column("overdue_reviews")
        assert overdue == (SMALL, SMALL)  # Khalid's two covers alone

    def test_fairness_findings_carry_no_evidence_and_no_dates(self) -> None:
        disparity, cluster = report().findings
        assert (disparity.kind, disparity.affiliation) == ("disparity", "PTI")
        assert (disparity.office_class, disparity.threat_level) == ("mpa", "none")
        assert disparity.count("protectees") == Cell(5)
        # 3 of the rest were affected (Farooq, Rashid, Nasreen): small, and PTI's 5 with it
        assert disparity.count("rest_affected") == SMALL
        assert disparity.count("affected") == WITHHELD
        assert disparity.p_value is None  # it would give the hidden counts back
        assert (cluster.kind, cluster.affiliation) == ("cluster", "PTI")
        assert cluster.provider is not None and cluster.provider.key == FEDERAL.id
        assert cluster.counts == (("events", Cell(5)),)
        assert set(cluster.as_dict()) == {
            "kind",
            "affiliation",
            "provider",
            "cohort",
            "counts",
            "p_value",
        }


class TestShape:
    def test_as_dict_is_json_ready_and_deterministic(self) -> None:
        first = json.dumps(report().as_dict(), sort_keys=True)
        assert first == json.dumps(report().as_dict(), sort_keys=True)
        doc = json.loads(first)
        assert doc["period"] == {
            "from": "2026-01-01T09:00:00Z",
            "to": "2026-04-01T09:00:00Z",
            "as_of": "2026-04-01T09:00:00Z",
            "now": "2026-04-02T09:00:00Z",
        }
        assert doc["small_cell_threshold"] == 5 and "<5" in doc["suppression_rule"]
        hidden = doc["protectees_by_category"]["private_persons"]["cells"][1][2]
        assert hidden == {"value": None, "suppressed": True, "reason": "small"}

    def test_before_the_period_ends_the_report_describes_now(self) -> None:
        r = report(now=T0 + 45 * DAY)
        assert r.at == T0 + 45 * DAY
        assert row(r.protectees, FEDERAL.id) == (Cell(0), Cell(7), Cell(0))

    def test_large_counts_are_all_published(self) -> None:
        people = [person(n, False) for n in range(11)]
        decisions = [
            made(
                f"g-{n}",
                Action.GRANT,
                p.id,
                PROVINCE.id if n < 5 else FEDERAL.id,
                -10,
                "nominal" if n < 5 else "standard",
            )
            for n, p in enumerate(people)
        ]
        r = build_report(history(people, decisions), (), START, END, NOW)
        assert row(r.protectees, PROVINCE.id) == (Cell(5), Cell(0), Cell(0))
        assert row(r.protectees, FEDERAL.id) == (Cell(0), Cell(6), Cell(0))
        assert row(r.resources, PROVINCE.id) == (Cell(10), Cell(0), Cell(900.0), Cell(0.0))
        assert row(r.resources, FEDERAL.id) == (Cell(18), Cell(6), Cell(1620.0), Cell(540.0))

    def test_an_appeal_against_an_unknown_decision_is_refused(self) -> None:
        h, _ = sample()
        stray = Appeal("ap-x", "nope", FEDERAL_STANDARD[0].id, "x", T0, "grounds")
        with pytest.raises(InvalidInput):
            build_report(h, [stray], START, END, NOW)

    def test_the_period_must_start_before_it_ends(self) -> None:
        h, appeals = sample()
        with pytest.raises(InvalidInput):
            build_report(h, appeals, END, START, NOW)

    def test_hidden_figures_leave_no_trace(self) -> None:
        """Suspending a private person's cover before the period changes Sindh's personnel,
        which is withheld, and nothing else: the published report must not change at all."""
        h, appeals = sample()
        grant = next(d for d in h.decisions if d.id == "sd-0")
        pause = made("sd-0-s", Action.SUSPEND, grant.protectee_id, PROVINCE.id, -10)
        changed = replace(h, decisions=[*h.decisions, pause])
        before = build_report(h, appeals, START, END, NOW)
        after = build_report(changed, appeals, START, END, NOW)
        assert after.as_dict() == before.as_dict()
