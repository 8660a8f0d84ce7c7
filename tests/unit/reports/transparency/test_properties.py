"""The safety properties of the public report over random histories: no small count is
published, no hidden count can be recovered from the published ones, and no private person
is named in the JSON, the HTML or the PDF."""

from __future__ import annotations

import json
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings

from hifazat.reports.transparency import TransparencyReport, build_report, to_html, to_pdf
from hifazat.reports.transparency.facts import gather
from hifazat.reports.transparency.suppression import SMALL
from tests.unit.reports.transparency.checks import (
    exposed_by_subtraction,
    numbers,
    shared_totals_agree,
    small_published,
    solvable,
)
from tests.unit.reports.transparency.histories import END, START, Scenario, scenarios

THRESHOLD = 5
PROPS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _names_absent(scenario: Scenario, text: str) -> None:
    for p in scenario.private:
        assert p.name not in text, f"private person {p.name} named"
        assert p.id not in text, f"private person's id {p.id} published"


@PROPS
@given(scenarios())
def test_json_publishes_no_small_count_and_no_recoverable_one(scenario: Scenario) -> None:
    report = build(scenario)
    doc = report.as_dict()
    assert report.threshold == THRESHOLD
    assert small_published(doc, THRESHOLD) == []
    assert exposed_by_subtraction(doc) == []
    assert solvable(doc) == []
    assert shared_totals_agree(doc)
    text = json.dumps(doc, sort_keys=True)
    _names_absent(scenario, text)
    assert json.dumps(build(scenario).as_dict(), sort_keys=True) == text


@PROPS
@given(scenarios())
def test_published_numbers_are_true_and_hidden_ones_carry_no_value(scenario: Scenario) -> None:
    """Suppression hides; it never alters. A cell marked small really is small."""
    report = build(scenario)
    facts = gather(scenario.history, scenario.appeals, (), START, END, scenario.now)
    raw = facts.protectees.cells()
    table = report.protectees
    for r, row in enumerate(table.rows):
        for c, column in enumerate(table.columns):
            cell, (value, _) = table.cells[r][c], raw[facts.protectees.key(row.key, column.key)]
            if cell.value is None:
                assert cell.hidden is not None
                assert (cell.hidden == SMALL) == (0 < value < THRESHOLD)
            else:
                assert cell.value == value
    for published in numbers(report.as_dict()).values():
        assert published["suppressed"] == (published["value"] is None)


@PROPS
@given(scenarios())
def test_resources_are_withheld_wherever_the_counts_behind_them_are(scenario: Scenario) -> None:
    """Personnel are a weighted sum of the category counts: publishing them beside a hidden
    count would give it back."""
    report = build(scenario)
    counts, resources = report.protectees, report.resources
    assert counts.row_totals is not None
    for r in range(len(counts.rows)):
        row = [*counts.cells[r], counts.row_totals[r]]
        if any(c.value is None for c in row):
            assert all(c.value is None for c in resources.cells[r])


@PROPS
@given(scenarios())
def test_html_names_nobody(scenario: Scenario) -> None:
    report = build(scenario)
    html = to_html(report)
    _names_absent(scenario, html)
    for figure in scenario.public:
        assert figure.name not in html
    assert html.count("<svg") == 2


@settings(max_examples=5, deadline=None, derandomize=True, database=None)
@given(scenarios(most=16))
def test_pdf_names_nobody(pdf_text: Callable[[bytes], str], scenario: Scenario) -> None:
    report = build(scenario)
    text = pdf_text(to_pdf(report))
    _names_absent(scenario, text)
    for figure in scenario.public:
        assert figure.name not in text


def build(scenario: Scenario) -> TransparencyReport:
    return build_report(scenario.history, scenario.appeals, START, END, scenario.now)
