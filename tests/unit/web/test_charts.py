"""The server's charts: well-formed SVG a screen reader can name, a layer per provider, words
instead of an empty chart, mirrored for right to left; and the audit's interval maths."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from hifazat.reports.intervals import wilson
from hifazat.web import charts

SVG = "{http://www.w3.org/2000/svg}"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 2, 1, tzinfo=UTC)
T2 = datetime(2026, 3, 1, tzinfo=UTC)
T3 = datetime(2026, 4, 1, tzinfo=UTC)
NAMES = {"sindh-police": "Sindh Police", "rangers": "Rangers <Sindh>"}


def _parsed(markup: str) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    return root


def _labelled(root: ET.Element, title: str) -> None:
    assert root.get("role") == "img"
    ids = (root.get("aria-labelledby") or "").split()
    found = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert [found[i].tag for i in ids] == [f"{SVG}title", f"{SVG}desc"]
    assert found[ids[0]].text == title and found[ids[1]].text
    assert root.get("viewBox", "").startswith("0 0 360 ")
    assert root.get("width") == "100%"


def _texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{SVG}text")]


def _cover(layers: list[charts.Layer], rtl: bool = False) -> str:
    return charts.cover(
        "cover",
        "Officers on duty over time",
        "Officers by provider, stacked",
        "No cover in this period",
        layers,
        T0,
        T3,
        NAMES.__getitem__,
        lambda at: f"{at:%d %b %Y}",
        lambda n: f"{n:,.0f}",
        rtl=rtl,
    )


def test_the_cover_chart_draws_a_patterned_layer_per_provider_with_its_name() -> None:
    layers = [
        charts.Layer("sindh-police", [(T0, 4), (T2, 0)]),
        charts.Layer("rangers", [(T1, 6)]),
    ]
    root = _parsed(_cover(layers))
    _labelled(root, "Officers on duty over time")
    bands = [p for p in root.iter(f"{SVG}path") if p.get("fill", "").startswith("url(")]
    assert [b.find(f"{SVG}title").text for b in bands] == ["Sindh Police", "Rangers <Sindh>"]  # type: ignore[union-attr]
    assert len({b.get("fill") for b in bands}) == 2  # a pattern each, not a colour alone
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) == 2 and len(patterns[1]) > 1  # the second carries a mark
    texts = _texts(root)
    assert "Rangers <Sindh>" in texts and "01 Jan 2026" in texts and "01 Apr 2026" in texts
    assert "10" in texts  # the stacked peak lies on the scale


def test_the_cover_chart_runs_from_the_right_on_a_right_to_left_page() -> None:
    layers = [charts.Layer("sindh-police", [(T0, 4)])]
    ltr, rtl = _parsed(_cover(layers)), _parsed(_cover(layers, rtl=True))
    assert rtl.get("direction") == "rtl" and ltr.get("direction") == "ltr"

    def start_x(root: ET.Element) -> float:
        label = next(e for e in root.iter(f"{SVG}text") if e.text == "01 Jan 2026")
        return float(label.get("x", "0"))

    assert start_x(ltr) < 180 < start_x(rtl)


@pytest.mark.parametrize(
    "layers",
    [[], [charts.Layer("sindh-police", [(T0, 0)])], [charts.Layer("sindh-police", [])]],
)
def test_nothing_to_draw_is_said_in_words(layers: list[charts.Layer]) -> None:
    out = str(_cover(layers))
    assert "<svg" not in out and "No cover in this period" in out


def test_the_pool_chart_labels_every_row_and_escapes_names() -> None:
    bars = [charts.Bar("sindh-police", 12, 40), charts.Bar("rangers", 0, 10)]
    root = _parsed(
        charts.pools(
            "pool",
            "Officers committed against the pool",
            "Each provider's committed officers against its sanctioned pool",
            "No providers",
            bars,
            NAMES.__getitem__,
            lambda b: f"{b.committed} of {b.pool}",
            ("Committed", "Sanctioned pool"),
        )
    )
    _labelled(root, "Officers committed against the pool")
    texts = _texts(root)
    for word in ("Sindh Police", "Rangers <Sindh>", "12 of 40", "0 of 10", "Committed"):
        assert word in texts
    empty = charts.pools("p", "t", "d", "No providers", [], str, str, ("a", "b"))
    assert "<svg" not in empty and "No providers" in empty


def test_the_interval_chart_writes_each_rate_and_its_interval() -> None:
    low, high = wilson(5, 10)
    rows = [charts.Interval("MQM-P", 0.5, low, high)]
    root = _parsed(
        charts.intervals(
            "rates",
            "Rate of lost cover",
            "Each affiliation's rate with its 95% interval",
            "No protectees in this cohort",
            rows,
            str,
            lambda f: f"{100 * f:.0f}%",
        )
    )
    _labelled(root, "Rate of lost cover")
    assert "MQM-P: 50% (24%–76%)" in " ".join(_texts(root))
    empty = charts.intervals("r", "t", "d", "No protectees", [], str, str)
    assert "<svg" not in empty and "No protectees" in empty


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # values from scipy.stats.binomtest(k, n).proportion_ci(method="wilson")
        (0, 10, 0.0, 0.27753279986288926),
        (5, 10, 0.236593090512564, 0.7634069094874361),
        (81, 263, 0.2552885198782742, 0.36620957698280004),
        (1, 1, 0.20654931437723745, 1.0),
        (3, 7, 0.1582198552514697, 0.7495416354723428),
    ],
)
def test_the_wilson_interval_matches_known_values(
    successes: int, trials: int, low: float, high: float
) -> None:
    got = wilson(successes, trials)
    assert got == pytest.approx((low, high), abs=1e-12)


def test_the_wilson_interval_of_nothing_is_everything_and_refuses_nonsense() -> None:
    assert wilson(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson(3, 2)
