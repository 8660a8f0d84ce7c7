"""The public report as HTML and PDF. Rendering only formats published cells: what is hidden
was decided in `model`, and a hidden cell holds no value to leak. The PDF is made offline —
the page references nothing outside itself, and the fetcher refuses every URL regardless."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from hifazat.domain.fields import shown
from hifazat.domain.times import local_text
from hifazat.reports.transparency.charts import decisions_chart, personnel_chart
from hifazat.reports.transparency.model import TransparencyReport
from hifazat.reports.transparency.suppression import SMALL
from hifazat.reports.transparency.tables import Cell

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "transparency.html.j2"


def _environment(report: TransparencyReport) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["cell"] = lambda cell: _cell(cell, report.threshold)
    env.filters["local"] = lambda instant: local_text(instant, report.timezone)
    env.filters["number"] = lambda value: f"{value:,}"
    return env


def _finalize(value: Any) -> Any:
    """Every value printed: a control or invisible format character (a right-to-left override
    among them) shown as a visible <U+XXXX>, as on every other page."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return shown(value)
    return value


def _cell(cell: Cell, threshold: int) -> str:
    if cell.value is None:
        return f"<{threshold}" if cell.hidden == SMALL else "x"
    if isinstance(cell.value, int):
        return f"{cell.value:,}"
    return f"{cell.value:,.1f}"


def to_html(report: TransparencyReport) -> str:
    charts = {
        "personnel": Markup(personnel_chart(report)),  # noqa: S704 - our own SVG, labels escaped
        "decisions": Markup(decisions_chart(report)),  # noqa: S704
    }
    template = _environment(report).get_template(TEMPLATE)
    return template.render(report=report, charts=charts)


def to_pdf(report: TransparencyReport) -> bytes:
    offline = URLFetcher(allowed_protocols=frozenset(), fail_on_errors=True)
    pdf: bytes = HTML(string=to_html(report), url_fetcher=offline).write_pdf()
    return pdf
