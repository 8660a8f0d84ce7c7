"""The public transparency report: the data behind it (`build_report`, with small-cell
suppression), charts, and HTML/PDF rendering. Pure: data in, bytes out."""

from __future__ import annotations

from hifazat.reports.transparency.model import TransparencyReport, build_report, rule_text

__all__ = ["TransparencyReport", "build_report", "rule_text", "to_html", "to_pdf"]


def to_html(report: TransparencyReport) -> str:
    """The page; Matplotlib and WeasyPrint load only when a page is wanted, not for JSON."""
    from hifazat.reports.transparency.render import to_html as render

    return render(report)


def to_pdf(report: TransparencyReport) -> bytes:
    from hifazat.reports.transparency.render import to_pdf as render

    return render(report)
