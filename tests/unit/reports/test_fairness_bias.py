"""The audit finds bias planted in synthetic histories, and rarely finds what is not there."""

from __future__ import annotations

import pytest

from hifazat.reports.fairness import ALPHA, Audit, audit
from tests.unit.reports.synthetic import END, NOW, PLANTED, START, TARGET, generate

SEEDS = range(20)


def _others_flag_rate(results: list[Audit]) -> float:
    """Flagged share of the tests of every (cohort, affiliation) but the planted one."""
    tested = flagged = 0
    for result in results:
        for table in result.tables:
            for row in table.rows:
                if row.p_value is None or (table.cohort, row.affiliation) == (PLANTED, TARGET):
                    continue
                tested += 1
                flagged += row.flagged
    return flagged / tested


@pytest.mark.parametrize(("relative_risk", "power"), [(2.0, 0.5), (3.0, 0.9), (5.0, 1.0)])
def test_planted_withdrawals_are_flagged_with_their_evidence(
    relative_risk: float, power: float
) -> None:
    results, hits = [], 0
    for seed in SEEDS:
        synthetic = generate(seed, relative_risk=relative_risk)
        result = audit(synthetic.history, START, END, NOW)
        results.append(result)
        planted = [
            f
            for f in result.findings
            if f.kind == "disparity" and (f.cohort, f.affiliation) == (PLANTED, TARGET)
        ]
        others_here = [f for f in result.findings if f.kind == "disparity" and f.cohort == PLANTED]
        assert len(others_here) == len(planted), "no other affiliation of the cohort is flagged"
        if planted:
            [finding] = planted
            hits += 1
            assert set(finding.evidence) == synthetic.adverse[(PLANTED, TARGET)]
            assert len(finding.evidence) == len(set(finding.evidence))
            assert finding.group is not None and finding.rest is not None
            assert finding.group.events == len(finding.evidence)
            assert finding.group.rate > finding.rest.rate
            assert finding.p_value is not None and finding.p_value < ALPHA
    assert hits >= power * len(SEEDS)
    assert _others_flag_rate(results) <= ALPHA


def test_unbiased_histories_flag_at_most_alpha_of_tests() -> None:
    tested = flagged = 0
    for seed in range(200):
        result = audit(generate(1000 + seed).history, START, END, NOW)
        for table in result.tables:
            for row in table.rows:
                if row.p_value is not None:
                    tested += 1
                    flagged += row.flagged
    assert tested == 200 * 12
    assert flagged / tested <= ALPHA


def test_the_audit_is_deterministic() -> None:
    synthetic = generate(7, relative_risk=3.0)
    first = audit(synthetic.history, START, END, NOW).as_dict()
    again = audit(synthetic.history, START, END, NOW).as_dict()
    assert first == again
    assert [c["cohort"] for c in first["cohorts"]] == [
        {"office_class": "mna", "threat_level": "none"},
        {"office_class": "mpa", "threat_level": "none"},
        {"office_class": "mpa", "threat_level": "high"},
    ]
