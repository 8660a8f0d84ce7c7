"""The oversight reports read decision facts (reports/lean.py), not whole decisions: on a
generated history, on each database, they answer exactly as the reference reports that replay
whole decisions do — at the end of the history and at instants inside it, where appeals lodged
later must not be seen and approved decisions are still pending."""

from __future__ import annotations

import pytest
from bench.people import END, START
from bench.suite import Prepared, prepare

from hifazat.reports.capacity import capacity
from hifazat.reports.cost import cost
from hifazat.reports.fairness import audit
from hifazat.services import audits
from tests.conftest import Registry
from tests.nation import load_nation

SCALE = 0.002  # 40 protectees, a few hundred decisions, with appeals, reviews and reports


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare(SCALE, 2019, tmp_path_factory.mktemp("nation"))


def test_the_lean_reports_answer_as_the_reference(registry: Registry, prepared: Prepared) -> None:
    done = load_nation(registry, prepared)
    assert done["lodge"] and done["rule"], done  # appeals, some of which hold a decision
    span = END - START
    instants = [START + span * k / 5 for k in range(1, 5)] + [END]
    checked = 0
    for now in instants:
        uow = registry.uow()
        with uow.reading():
            history = audits.load_history(uow, now)
        for start, end in ((START, now), (START + span / 3, now), (START, START + span / 2)):
            if end < start:
                continue
            lean = audits.fairness(registry.uow(), start, end, now)
            assert lean == audit(history, start, end, now)
            assert audits.cost_over(registry.uow(), start, end, now) == cost(
                history, start, end, now
            )
            priced = audits.cost_over(registry.uow(), start, end, now, 1500.0, 300.0)
            assert priced == cost(history, start, end, now, 1500.0, 300.0)
            checked += len(lean.tables)
        assert audits.capacity_at(registry.uow(), now) == capacity(history, now)
    assert checked  # the comparisons compared something
