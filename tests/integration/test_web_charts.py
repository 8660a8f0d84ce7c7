"""One protectee's cover over time, through HTTP: the partial the protectee page includes,
served here from a route of the test's own so it is tested before the page takes it in.
A layer per provider, by name; the changes as a table; guarded like the status it shows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from fastapi import Request
from fastapi.responses import Response

from hifazat.services import history
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who
from tests.conftest import Api
from tests.integration.test_web_pages import _signed_in

SVG = "{http://www.w3.org/2000/svg}"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _serve_the_partial(api: Api) -> None:
    reg = api.reg

    def cover(request: Request, pid: str, who: Who) -> Response:
        found = history.cover_history(reg.uow(), who.user, pid, reg.clock())
        return render(
            request, "_cover_chart.html.j2", zone_of(reg.uow()), who=who, cover_history=found
        )

    api.client.app.add_api_route("/test/cover/{pid}", cover)


def _chart(page: str) -> ET.Element:
    found = re.search(r"<svg .*?</svg>", page, re.DOTALL)
    assert found, page
    return ET.fromstring(found.group(0))


def test_the_cover_chart_has_a_band_per_provider_by_name_and_its_table(api: Api) -> None:
    _serve_the_partial(api)
    _signed_in(api, "auditor")
    page = api.client.get("/test/cover/khalid-maqbool-siddiqui")
    assert page.status_code == 200, page.text
    chart = _chart(page.text)
    assert (
        chart.get("role") == "img"
        and chart.get("aria-labelledby") == "cover-history-title cover-history-desc"
    )
    bands = [
        p.find(f"{SVG}title") for p in chart.iter(f"{SVG}path") if p.find(f"{SVG}title") is not None
    ]
    names = {b.text for b in bands if b is not None}
    assert names == {
        "Ministry of Interior — federal protection",
        "Sindh Police — Special Security Unit",
    }
    assert (
        'class="govuk-table hz-stack"' in page.text and 'data-label="Officers on duty"' in page.text
    )
    assert "moi-federal" not in page.text.replace('href="', "")  # providers by name, not slug
    assert not ISO.search(page.text)
    api.client.cookies.set("hifazat_lang", "ur")
    urdu = api.client.get("/test/cover/khalid-maqbool-siddiqui").text
    assert _chart(urdu).get("direction") == "rtl" and "Cover over time" not in urdu
    assert "وقت کے ساتھ سیکیورٹی" in urdu and not ISO.search(urdu)


def test_the_cover_chart_is_kept_to_those_who_may_see_the_status(api: Api) -> None:
    _serve_the_partial(api)
    _signed_in(api, "farooq")
    assert api.client.get("/test/cover/farooq-sattar").status_code == 200
    assert api.client.get("/test/cover/ali-khorshidi").status_code == 403


def test_before_any_cover_took_effect_the_chart_is_words(api: Api) -> None:
    _serve_the_partial(api)
    api.reg.clock.advance(days=-700)  # March 2024: granted, not yet in force
    _signed_in(api, "auditor")
    page = api.client.get("/test/cover/khalid-maqbool-siddiqui").text
    assert "No cover in this period." in page and "<svg" not in page
    assert "<table" not in page
