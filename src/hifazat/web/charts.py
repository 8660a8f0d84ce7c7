"""Charts drawn on the server as inline SVG: no script, text kept as text, readable by a screen
reader (role="img", a <title> and a <desc>) and followed on the page by a table holding the
same numbers.

Pure: data and the reader's words in, Markup out. The caller translates every label (this
module imports no catalog) and formats times and numbers (`when`, `number`). Each series is
drawn with its own pattern as well as its colour, so no reading depends on colour alone, and a
chart with nothing to draw says so in words instead. For a right-to-left page every position
is mirrored (the time axis runs from right to left) and the SVG's direction is rtl, so a label's
text-anchor, which is relative to its direction, stays "start" or "end" as on an LTR page.

Sizes are in a 360-unit-wide viewBox: at a phone's width a label is drawn at its own size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from markupsafe import Markup, escape

WIDTH = 360
FONT = 13
#: the GOV.UK palette's darker colours: each at least 4.5:1 against white
COLOURS = ("#1d70b8", "#00703c", "#912b88", "#d4351c", "#505a5f", "#0b0c0c")
POOL_FILL, POOL_EDGE, AXIS = "#f3f2f1", "#505a5f", "#505a5f"
#: the marks that tell series apart without colour: lines, dots, crossing lines...
_MARKS = (
    "",
    '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.6"/>',
    '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
    '<path d="M0,4 h8 M4,0 v8" stroke="#fff" stroke-width="1.4"/>',
    '<path d="M0,2 h8 M0,6 h8" stroke="#fff" stroke-width="1.4"/>',
    '<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="#fff" stroke-width="1.6"/>',
)

Words = Callable[[float], str]


class Series(Protocol):
    """One series of a step chart: its key (what `name` turns into a label) and its steps,
    each the instant a value took effect and the value from then on, in order."""

    @property
    def key(self) -> str: ...
    @property
    def steps(self) -> Sequence[tuple[datetime, int]]: ...


@dataclass(frozen=True)
class Layer:
    """A plain series."""

    key: str
    steps: Sequence[tuple[datetime, int]]


def value_at(series: Series, at: datetime) -> int:
    value = 0
    for when, amount in series.steps:
        if when > at:
            break
        value = amount
    return value


class Measured(Protocol):
    """A row of the pool chart, as any read model holds it."""

    @property
    def key(self) -> str: ...
    @property
    def committed(self) -> int: ...
    @property
    def pool(self) -> int: ...


class Estimated(Protocol):
    """A row of the interval chart: a rate and its interval, as fractions of one."""

    @property
    def key(self) -> str: ...
    @property
    def rate(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...


@dataclass(frozen=True)
class Bar:
    """One row of the pool chart: committed against sanctioned."""

    key: str
    committed: int
    pool: int


@dataclass(frozen=True)
class Interval:
    """One row of the interval chart: a rate and its interval, each a fraction of one."""

    key: str
    rate: float
    low: float
    high: float


def _text(value: object) -> str:
    """A label as SVG text: escaped, unless it is already markup (a template macro's words)."""
    if isinstance(value, Markup):
        return str(value).strip()
    return str(escape(str(value)))


def _svg(ident: str, title: str, desc: str, height: int, body: list[str], rtl: bool) -> Markup:
    """The frame every chart shares: labelled by its title and description, scaling down."""
    direction = "rtl" if rtl else "ltr"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hz-chart__svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMidYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" direction="{direction}" '
        f'font-size="{FONT}" font-family="inherit">'
        f'<title id="{ident}-title">{_text(title)}</title>'
        f'<desc id="{ident}-desc">{_text(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text escaped above


def _patterns(ident: str, count: int) -> list[str]:
    out = ["<defs>"]
    for n in range(count):
        colour, mark = COLOURS[n % len(COLOURS)], _MARKS[n % len(_MARKS)]
        out.append(
            f'<pattern id="{ident}-p{n}" patternUnits="userSpaceOnUse" width="8" height="8">'
            f'<rect width="8" height="8" fill="{colour}"/>{mark}</pattern>'
        )
    out.append("</defs>")
    return out


def _nothing(empty: str) -> Markup:
    """No chart at all, only the words: a screen reader and a sighted reader hear the same."""
    return Markup('<p class="govuk-body hz-chart__empty">{}</p>').format(empty)


def _ticks(top: int, most: int = 5) -> list[int]:
    """Round steps from 0 up to at least `top` (1, 2, 5, 10, 20, 50...), at most `most` steps."""
    top = max(top, 1)
    step, scale = 1, 1
    while -(-top // step) > most:
        for factor in (2, 5, 10):
            step = factor * scale
            if -(-top // step) <= most:
                break
        scale *= 10
    return list(range(0, -(-top // step) * step + 1, step))


class _Axis:
    """Where a value falls across the plot, mirrored on a right-to-left page."""

    def __init__(self, left: float, right: float, rtl: bool) -> None:
        self.left, self.right, self.rtl = left, right, rtl

    def x(self, fraction: float) -> float:
        fraction = min(max(fraction, 0.0), 1.0)
        span = self.right - self.left
        return round(self.right - fraction * span if self.rtl else self.left + fraction * span, 1)


def _legend(ident: str, labels: Sequence[str], y: int, rtl: bool) -> tuple[list[str], int]:
    """One swatch and label a line: long names (Urdu among them) need the room."""
    out = []
    for n, label in enumerate(labels):
        top = y + n * 22
        box = WIDTH - 20 if rtl else 4
        text_x = WIDTH - 26 if rtl else 26
        anchor = "start"
        out.append(
            f'<rect x="{box}" y="{top}" width="16" height="16" fill="url(#{ident}-p{n})" '
            f'stroke="{AXIS}"/><text x="{text_x}" y="{top + 13}" text-anchor="{anchor}">'
            f"{_text(label)}</text>"
        )
    return out, y + len(labels) * 22


def cover(
    ident: str,
    title: str,
    desc: str,
    empty: str,
    layers: Sequence[Series],
    start: datetime,
    end: datetime,
    name: Callable[[str], str],
    when: Callable[[datetime], str],
    number: Words,
    rtl: bool = False,
) -> Markup:
    """Officers on duty over time, one band a provider stacked on the one below, each band
    stepping where a decision took effect. Nothing to draw (no layer ever above zero, or an
    empty period) is said in words."""
    if not layers or end <= start or not any(v for layer in layers for _, v in layer.steps):
        return _nothing(empty)
    instants = sorted(
        {start, end} | {t for layer in layers for t, _ in layer.steps if start < t < end}
    )
    totals = [sum(value_at(layer, t) for layer in layers) for t in instants]
    ticks = _ticks(max(totals))
    top_value = ticks[-1]
    gutter = 40
    axis = _Axis(4 if rtl else gutter, WIDTH - gutter if rtl else WIDTH - 4, rtl)
    plot_top, plot_bottom = 10, 190
    span = (end - start).total_seconds()

    def x(at: datetime) -> float:
        return axis.x((at - start).total_seconds() / span)

    def y(value: float) -> float:
        return round(plot_bottom - (plot_bottom - plot_top) * value / top_value, 1)

    body = _patterns(ident, len(layers))
    for value in ticks:
        body.append(
            f'<line x1="{axis.x(0)}" x2="{axis.x(1)}" y1="{y(value)}" y2="{y(value)}" '
            f'stroke="#b1b4b6" stroke-width="0.6"/>'
        )
        label_x = WIDTH - gutter + 6 if rtl else gutter - 6
        body.append(
            f'<text x="{label_x}" y="{y(value) + 4}" text-anchor="end">'
            f"{_text(number(value))}</text>"
        )
    below = [0] * len(instants)
    for n, layer in enumerate(layers):
        values = [value_at(layer, t) for t in instants]
        upper = [b + v for b, v in zip(below, values, strict=True)]
        if any(values):
            path = _band(instants, below, upper, x, y)
            body.append(
                f'<path d="{path}" fill="url(#{ident}-p{n})" stroke="#0b0c0c" stroke-width="0.8">'
                f"<title>{_text(name(layer.key))}</title></path>"
            )
        below = upper
    body.append(
        f'<line x1="{axis.x(0)}" x2="{axis.x(1)}" y1="{plot_bottom}" y2="{plot_bottom}" '
        f'stroke="{AXIS}"/>'
    )
    # the period's ends, one a line: a time in the reader's words can be long (Urdu's is)
    first, last = axis.x(0), axis.x(1)
    body.append(
        f'<text x="{first}" y="{plot_bottom + 18}" text-anchor="start">'
        f"{_text(when(start))}</text>"
        f'<text x="{last}" y="{plot_bottom + 36}" text-anchor="end">'
        f"{_text(when(end))}</text>"
    )
    legend, height = _legend(ident, [name(layer.key) for layer in layers], plot_bottom + 50, rtl)
    return _svg(ident, title, desc, height + 4, body + legend, rtl)


def _band(
    instants: Sequence[datetime],
    below: Sequence[int],
    upper: Sequence[int],
    x: Callable[[datetime], float],
    y: Callable[[float], float],
) -> str:
    """A stepped band: along the top from first to last instant, back along the bottom."""
    points: list[tuple[float, float]] = []
    for n, at in enumerate(instants[:-1]):
        points += [(x(at), y(upper[n])), (x(instants[n + 1]), y(upper[n]))]
    back: list[tuple[float, float]] = []
    for n, at in enumerate(instants[:-1]):
        back += [(x(at), y(below[n])), (x(instants[n + 1]), y(below[n]))]
    points += reversed(back)
    return "M" + " L".join(f"{px},{py}" for px, py in points) + " Z"


def pools(
    ident: str,
    title: str,
    desc: str,
    empty: str,
    bars: Sequence[Measured],
    name: Callable[[str], str],
    value: Callable[[Measured], str],
    legend: tuple[str, str],
    rtl: bool = False,
) -> Markup:
    """Per provider, its sanctioned pool as a pale outlined bar and what it has committed as a
    patterned bar over it, each row labelled directly ("12 of 40") so no key is needed."""
    if not bars:
        return _nothing(empty)
    top_value = max(max(b.pool, b.committed) for b in bars) or 1
    axis = _Axis(4, WIDTH - 4, rtl)
    body = _patterns(ident, 1)
    row = 52
    for n, bar in enumerate(bars):
        top = 4 + n * row
        anchor = "start"
        body.append(
            f'<text x="{axis.x(0)}" y="{top + 13}" text-anchor="{anchor}" font-weight="bold">'
            f"{_text(name(bar.key))}</text>"
        )
        pool_w = (WIDTH - 8) * bar.pool / top_value
        used_w = (WIDTH - 8) * min(bar.committed, top_value) / top_value
        for width, fill, height, dy in (
            (pool_w, f'fill="{POOL_FILL}" stroke="{POOL_EDGE}"', 20, 20),
            (used_w, f'fill="url(#{ident}-p0)" stroke="#0b0c0c"', 12, 24),
        ):
            if width <= 0:
                continue
            left = WIDTH - 4 - width if rtl else 4
            body.append(
                f'<rect x="{round(left, 1)}" y="{top + dy}" width="{round(width, 1)}" '
                f'height="{height}" {fill}/>'
            )
        label_at = axis.x(min(max(bar.pool, bar.committed) / top_value, 1.0))
        inside = max(bar.pool, bar.committed) / top_value > 0.6
        if inside:  # no room beyond the bar: write over it, on a white ground
            anchor = "end"
            label_at = round(label_at + (8 if rtl else -8), 1)
        else:
            anchor = "start"
            label_at = round(label_at + (-6 if rtl else 6), 1)
        body.append(
            f'<text x="{label_at}" y="{top + 35}" text-anchor="{anchor}" paint-order="stroke" '
            f'stroke="#fff" stroke-width="3">{_text(value(bar))}</text>'
        )
    y = 8 + len(bars) * row
    committed, pool = legend
    box = WIDTH - 20 if rtl else 4
    text_x = WIDTH - 26 if rtl else 26
    anchor = "start"
    body.append(
        f'<rect x="{box}" y="{y}" width="16" height="16" fill="url(#{ident}-p0)" stroke="#0b0c0c"/>'
        f'<text x="{text_x}" y="{y + 13}" text-anchor="{anchor}">{_text(committed)}</text>'
        f'<rect x="{box}" y="{y + 22}" width="16" height="16" fill="{POOL_FILL}" '
        f'stroke="{POOL_EDGE}"/>'
        f'<text x="{text_x}" y="{y + 35}" text-anchor="{anchor}">{_text(pool)}</text>'
    )
    return _svg(ident, title, desc, y + 42, body, rtl)


def intervals(
    ident: str,
    title: str,
    desc: str,
    empty: str,
    rows: Sequence[Estimated],
    name: Callable[[str], str],
    percent: Callable[[float], str],
    rtl: bool = False,
) -> Markup:
    """Each affiliation's rate as a dot on a 0-100% scale with its interval as a bar through
    it, the numbers written beside it ("40% (12%-74%)")."""
    if not rows:
        return _nothing(empty)
    axis = _Axis(24, WIDTH - 24, rtl)  # room for the scale's end labels
    row = 44
    body: list[str] = []
    bottom = 4 + len(rows) * row
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        body.append(
            f'<line x1="{axis.x(tick)}" x2="{axis.x(tick)}" y1="4" y2="{bottom}" '
            f'stroke="#b1b4b6" stroke-width="0.6"/>'
            f'<text x="{axis.x(tick)}" y="{bottom + 16}" text-anchor="middle">'
            f"{_text(percent(tick))}</text>"
        )
    for n, r in enumerate(rows):
        top = 4 + n * row
        body.append(
            f'<text x="{axis.x(0)}" y="{top + 14}" text-anchor="start">'
            f"{_text(name(r.key))}: {_text(percent(r.rate))} "
            f"({_text(percent(r.low))}–{_text(percent(r.high))})</text>"
        )
        mid = top + 30
        low, high, dot = axis.x(r.low), axis.x(r.high), axis.x(r.rate)
        body.append(
            f'<g stroke="#0b0c0c" stroke-width="2">'
            f'<line x1="{low}" x2="{high}" y1="{mid}" y2="{mid}"/>'
            f'<line x1="{low}" x2="{low}" y1="{mid - 6}" y2="{mid + 6}"/>'
            f'<line x1="{high}" x2="{high}" y1="{mid - 6}" y2="{mid + 6}"/></g>'
            f'<rect x="{dot - 5}" y="{mid - 5}" width="10" height="10" fill="{COLOURS[0]}" '
            f'stroke="#0b0c0c" transform="rotate(45 {dot} {mid})"/>'
        )
    return _svg(ident, title, desc, bottom + 24, body, rtl)


@dataclass(frozen=True)
class Moments:
    """One time line: an affiliation's events with the window after each, and one provider's
    reductions of its cover (`inside`: decided within a window) and ground reports."""

    key: str
    events: Sequence[datetime]
    window_ends: Sequence[datetime]
    reductions: Sequence[tuple[datetime, bool]]
    reports: Sequence[datetime]


def moments(
    ident: str,
    title: str,
    desc: str,
    empty: str,
    rows: Sequence[Moments],
    start: datetime,
    end: datetime,
    name: Callable[[str], str],
    when: Callable[[datetime], str],
    legend: Sequence[str],
    rtl: bool = False,
) -> Markup:
    """One time line a row: each event a triangle above the line with its window shaded after
    it, each reduction a mark below (filled where decided within a window, hollow where not),
    each ground report a square. `legend` names the four marks, in that order."""
    if not rows or end <= start:
        return _nothing(empty)
    axis = _Axis(8, WIDTH - 8, rtl)
    span = (end - start).total_seconds()

    def x(at: datetime) -> float:
        return axis.x((at - start).total_seconds() / span)

    row = 64
    body: list[str] = []
    for n, r in enumerate(rows):
        top = 4 + n * row
        line = top + 34
        body.append(
            f'<text x="{axis.x(0)}" y="{top + 12}" text-anchor="start">{_text(name(r.key))}</text>'
        )
        for at, until in zip(r.events, r.window_ends, strict=True):
            a, b = sorted((x(at), x(until)))
            body.append(
                f'<rect x="{a}" y="{line - 10}" width="{max(round(b - a, 1), 1)}" height="20" '
                f'fill="{POOL_FILL}" stroke="{POOL_EDGE}" stroke-width="0.6"/>'
            )
        body.append(
            f'<line x1="{axis.x(0)}" x2="{axis.x(1)}" y1="{line}" y2="{line}" stroke="{AXIS}"/>'
        )
        for at in r.events:
            e = x(at)
            body.append(
                f'<path d="M{e - 5},{line - 18} h10 l-5,8 z" fill="{COLOURS[0]}">'
                f"<title>{_text(when(at))}</title></path>"
            )
        for at, inside in r.reductions:
            d = x(at)
            fill = COLOURS[3] if inside else "#fff"
            body.append(
                f'<circle cx="{d}" cy="{line + 14}" r="4" fill="{fill}" stroke="{COLOURS[3]}" '
                f'stroke-width="1.6"><title>{_text(when(at))}</title></circle>'
            )
        for at in r.reports:
            g = x(at)
            body.append(
                f'<rect x="{g - 4}" y="{line + 20}" width="8" height="8" fill="{COLOURS[4]}">'
                f"<title>{_text(when(at))}</title></rect>"
            )
    bottom = 4 + len(rows) * row
    body.append(
        f'<text x="{axis.x(0)}" y="{bottom + 4}" text-anchor="start">{_text(when(start))}</text>'
        f'<text x="{axis.x(1)}" y="{bottom + 22}" text-anchor="end">{_text(when(end))}</text>'
    )
    keys = bottom + 36
    marks = (
        f'<path d="M{{x}},{{y}} h10 l-5,8 z" fill="{COLOURS[0]}"/>',
        f'<rect x="{{x}}" y="{{y}}" width="12" height="12" fill="{POOL_FILL}" '
        f'stroke="{POOL_EDGE}"/>',
        f'<circle cx="{{cx}}" cy="{{cy}}" r="4" fill="{COLOURS[3]}" stroke="{COLOURS[3]}"/>',
        f'<circle cx="{{cx}}" cy="{{cy}}" r="4" fill="#fff" stroke="{COLOURS[3]}" '
        'stroke-width="1.6"/>',
        f'<rect x="{{x}}" y="{{y}}" width="8" height="8" fill="{COLOURS[4]}"/>',
    )
    for n, (label, mark) in enumerate(zip(legend, marks, strict=False)):
        top = keys + n * 20
        box = WIDTH - 18 if rtl else 4
        text_x = WIDTH - 24 if rtl else 22
        body.append(mark.format(x=box, y=top + 2, cx=box + 6, cy=top + 8))
        body.append(f'<text x="{text_x}" y="{top + 12}" text-anchor="start">{_text(label)}</text>')
    return _svg(ident, title, desc, keys + len(legend) * 20 + 4, body, rtl)
