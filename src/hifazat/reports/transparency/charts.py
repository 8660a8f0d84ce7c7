"""Charts for the public report, drawn only from published cells: a hidden cell is drawn as
no bar with its marker ("<5" or "x") where the bar would start, so a chart cannot show what
the table hides. Output is inline SVG with text kept as text (searchable in the PDF, readable
by screen readers) and fixed ids and metadata, so the same report draws the same bytes."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from hifazat.domain import fields
from hifazat.reports.transparency.model import TransparencyReport
from hifazat.reports.transparency.suppression import SMALL
from hifazat.reports.transparency.tables import Cell

PERSONNEL_TITLE = "Personnel committed against sanctioned pool"
DECISIONS_TITLE = "Decisions taking effect, by action"
WIDTH = 7.0  # inches: the A4 text width at the report's margins
#: matplotlib's RDF block: it names the tool and links vocabularies a report does not need
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
COMMITTED, POOL, OTHERS = "#1f4e79", "#d9d9d9", ("#1f4e79", "#c55a11", "#548235", "#7f6000")


@contextmanager
def _style(salt: str) -> Iterator[None]:
    """A fixed style, and a salt per chart, so ids are stable and unique within a page."""
    with rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": f"hifazat-transparency-{salt}",
            "font.family": "DejaVu Sans",
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        yield


def _svg(figure: Figure, label: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    svg = _METADATA.sub("", text[text.index("<svg") :])
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _marker(cell: Cell, threshold: int) -> str:
    return f"<{threshold}" if cell.hidden == SMALL else "x"


def personnel_chart(report: TransparencyReport) -> str:
    """Per provider: the sanctioned pool as a pale bar, the committed personnel over it."""
    committed = report.resources.column("personnel")
    names = [fields.shown(p.name, inline=True) for p in report.providers]
    with _style("personnel"):
        figure = Figure(figsize=(WIDTH, 1.1 + 0.45 * max(len(names), 1)), layout="constrained")
        FigureCanvasAgg(figure)
        axes: Axes = figure.add_subplot()
        rows = list(range(len(names)))
        pools = [p.pool_personnel for p in report.providers]
        axes.barh(rows, pools, color=POOL, height=0.7, label="Sanctioned pool")
        shown = [c.value if c.value is not None else 0 for c in committed]
        axes.barh(rows, shown, color=COMMITTED, height=0.35, label="Committed")
        for row, cell, pool in zip(rows, committed, pools, strict=True):
            if cell.value is None:
                label = f"{_marker(cell, report.threshold)} (withheld)"
            else:
                label = f"{cell.value:,.0f} of {pool:,}"
            axes.text(cell.value or 0, row, f" {label}", va="center")
        axes.set_yticks(rows, names)
        axes.invert_yaxis()
        axes.set_xlabel("Officers")
        axes.set_title(PERSONNEL_TITLE, loc="left")
        figure.legend(loc="outside lower center", ncols=2, frameon=False)
        return _svg(figure, PERSONNEL_TITLE)


def decisions_chart(report: TransparencyReport) -> str:
    """Grouped bars: one group per action, one bar per provider."""
    table = report.by_action
    providers = table.rows
    width = 0.8 / max(len(providers), 1)
    with _style("decisions"):
        figure = Figure(figsize=(WIDTH, 3.0), layout="constrained")
        FigureCanvasAgg(figure)
        axes: Axes = figure.add_subplot()
        for n, (provider, cells) in enumerate(zip(providers, table.cells, strict=True)):
            xs = [a + (n - (len(providers) - 1) / 2) * width for a in range(len(cells))]
            heights = [c.value if c.value is not None else 0 for c in cells]
            colour = OTHERS[n % len(OTHERS)]
            axes.bar(
                xs,
                heights,
                width=width,
                color=colour,
                label=fields.shown(provider.name, inline=True),
            )
            for x, cell in zip(xs, cells, strict=True):
                if cell.value is None:
                    axes.text(x, 0, _marker(cell, report.threshold), ha="center", va="bottom")
        tallest = max((c.value or 0 for row in table.cells for c in row), default=0)
        axes.set_ylim(0, max(tallest, report.threshold) * 1.1)
        axes.set_xticks(
            range(len(table.columns)), [fields.shown(c.name, inline=True) for c in table.columns]
        )
        axes.set_ylabel("Decisions")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(DECISIONS_TITLE, loc="left")
        figure.legend(loc="outside lower center", ncols=min(len(providers), 3), frameon=False)
        return _svg(figure, DECISIONS_TITLE)
