"""The report as HTML and PDF: structure a screen reader and a printer can use, the charts
inline, hidden figures never drawn, and the PDF's text holding what the tables say."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import pytest

from hifazat.domain.decision import Action
from hifazat.reports.transparency import TransparencyReport, build_report, to_html, to_pdf
from hifazat.reports.transparency.charts import (
    DECISIONS_TITLE,
    PERSONNEL_TITLE,
    decisions_chart,
    personnel_chart,
)
from hifazat.reports.transparency.render import TEMPLATES
from tests.unit.reports.transparency.histories import (
    END,
    KHALID,
    NASREEN,
    NOW,
    PROVINCE,
    START,
    made,
    sample,
)

HEADINGS = (
    "Transparency report",
    "Protectees by category",
    "Personnel and vehicles committed",
    "Decisions by action",
    "Decisions by reason",
    "Reviews, emergencies and appeals",
    "Fairness findings",
    "Timing findings",
    "About suppressed figures",
)


@pytest.fixture(scope="module")
def report() -> TransparencyReport:
    h, appeals = sample()
    return build_report(h, appeals, START, END, NOW)


@pytest.fixture(scope="module")
def html(report: TransparencyReport) -> str:
    return to_html(report)


def test_the_template_ships_inside_the_package() -> None:
    assert (TEMPLATES / "transparency.html.j2").is_file()
    assert "src/hifazat/reports/transparency" in TEMPLATES.as_posix()


class TestHtml:
    def test_headings_in_order_under_one_h1(self, html: str) -> None:
        found = re.findall(r"<h([12])[^>]*>([^<]+)</h\1>", html)
        assert [level for level, _ in found] == ["1"] + ["2"] * (len(HEADINGS) - 1)
        assert tuple(text for _, text in found) == HEADINGS

    def test_accessible_tables(self, html: str) -> None:
        assert '<html lang="en">' in html
        tables = html.count("<table>")
        assert tables >= 8 and html.count("<caption>") == tables
        assert '<th scope="col">' in html and '<th scope="row">' in html
        assert "<th>" not in html  # every header cell says what it heads

    def test_print_css_for_a4(self, html: str) -> None:
        assert "@page" in html and "size: A4" in html and "@media print" in html

    def test_charts_are_inline_and_labelled(self, html: str) -> None:
        assert html.count("<svg") == 2
        assert f'role="img" aria-label="{PERSONNEL_TITLE}"' in html
        assert f'role="img" aria-label="{DECISIONS_TITLE}"' in html
        assert "<?xml" not in html and "<!DOCTYPE svg" not in html

    def test_nothing_is_fetched_from_elsewhere(self, html: str) -> None:
        assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", html)
        assert not re.search(r"url\((?!#)", html)  # clip paths point inside the page
        assert "@import" not in html and "@font-face" not in html
        # the only URLs left are XML namespace names, which nothing dereferences
        urls = set(re.findall(r"https?://[^\s\"']+", html))
        assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}

    def test_suppressed_cells_show_their_markers_and_names_are_escaped(self, html: str) -> None:
        assert "<td>&lt;5</td>" in html and "<td>x</td>" in html
        assert KHALID.name not in html and NASREEN.name not in html  # counted, not named

    def test_rendering_is_deterministic(self, report: TransparencyReport, html: str) -> None:
        assert to_html(report) == html


class TestCharts:
    def test_charts_are_byte_for_byte_stable_and_undated(self, report: TransparencyReport) -> None:
        for chart in (personnel_chart, decisions_chart):
            svg = chart(report)
            assert svg == chart(report)
            assert "<dc:date>" not in svg and "<metadata>" not in svg

    def test_titles_and_markers_are_text(self, report: TransparencyReport) -> None:
        personnel, decisions = personnel_chart(report), decisions_chart(report)
        assert PERSONNEL_TITLE in personnel and "x (withheld)" in personnel
        assert DECISIONS_TITLE in decisions and "&lt;5" in decisions

    def test_a_change_to_hidden_figures_alone_leaves_every_byte_alone(self) -> None:
        """Suspending a private person's cover before the period changes only Sindh's
        personnel and vehicles, which are withheld: the page and its charts must not move."""
        h, appeals = sample()
        grant = next(d for d in h.decisions if d.id == "sd-0")
        pause = made("sd-0-s", Action.SUSPEND, grant.protectee_id, PROVINCE.id, -10)
        changed = replace(h, decisions=[*h.decisions, pause])
        before = to_html(build_report(h, appeals, START, END, NOW))
        assert to_html(build_report(changed, appeals, START, END, NOW)) == before


class TestPdf:
    def test_the_pdf_holds_the_headings_figures_and_charts(
        self, pdf_text: Callable[[bytes], str]
    ) -> None:
        """Under a policy that opts in to naming office-holders' positional cover."""
        h, appeals = sample()
        h = replace(h, policy=replace(h.policy, name_positional_cover=True))
        pdf = to_pdf(build_report(h, appeals, START, END, NOW))
        assert pdf.startswith(b"%PDF-")
        text = pdf_text(pdf)
        flat = " ".join(text.split())
        for heading in HEADINGS:
            assert heading in flat, heading
        # drawn by the charts only (their captions use other words)
        assert PERSONNEL_TITLE in flat and DECISIONS_TITLE in flat and "x (withheld)" in flat
        for figure in (
            "Public figures holding cover, by provider and category",
            "Office-holders' positional cover",
            "Khalid Maqbool Siddiqui",
            "Nasreen Jalil",
            "Member of the Provincial Assembly",
            "<5",
        ):
            assert figure in flat, figure
        for p in h.protectees.values():
            if not p.public_figure:
                assert p.name not in flat


def test_a_stored_bidi_override_cannot_act_on_the_report() -> None:
    """A name stored before every way in refused such characters is shown, not obeyed."""
    h, appeals = sample()
    province = replace(h.providers[PROVINCE.id], name="Sindh \u202eecilop")
    h = replace(h, providers={**h.providers, PROVINCE.id: province})
    page = to_html(build_report(h, appeals, START, END, NOW))
    assert "\u202e" not in page
    assert "Sindh &lt;U+202E&gt;ecilop" in page
