"""The public transparency page as one of the site's pages: anonymous, in the site's layout with
its language switch, in the reader's language, linking its PDF, saying in words when a period
holds no change, and naming nobody (the report's own rules)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import Api, Registry, make_api
from tests.integration.test_transparency import PRIVATE, _with_private_person

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
#: an instant's period: nothing can take effect within it
EMPTY = "?from=2026-01-27T10:00:00%2B05:00&to=2026-01-27T10:00:00%2B05:00"


def test_the_public_page_wears_the_sites_layout_and_links_its_pdf(api: Api) -> None:
    api.client.cookies.clear()
    page = api.client.get("/public/transparency")
    assert page.status_code == 200
    text = page.text
    assert 'class="govuk-template"' in text and "govuk-service-navigation" in text
    assert 'href="/language/ur?next=/public/transparency"' in text
    assert 'href="/login"' in text  # anonymous: offered the sign-in, nothing else
    assert re.search(r'<a class="govuk-link" href="/public/transparency.pdf"[^>]*>', text)
    assert text.count("<h1") == 1 and "Transparency report" in text
    assert not ISO.search(text)
    charts = [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", text, re.DOTALL)]
    assert charts and all(c.get("role") == "img" for c in charts)
    assert "Sindh Police — Special Security Unit" in text


def test_the_public_page_speaks_urdu_to_whoever_chose_it(api: Api) -> None:
    api.client.cookies.clear()
    api.client.cookies.set("hifazat_lang", "ur")
    text = api.client.get("/public/transparency").text
    assert '<html lang="ur" dir="rtl"' in text and "شفافیت رپورٹ" in text
    assert "Protectees by category" not in text and "زمرے کے لحاظ سے زیرِ حفاظت افراد" in text
    assert 'href="/language/en?next=/public/transparency"' in text
    assert "/public/transparency.pdf" in text and not ISO.search(text)


def test_a_period_with_no_change_says_so_in_words(api: Api) -> None:
    api.client.cookies.clear()
    page = api.client.get("/public/transparency" + EMPTY)
    assert page.status_code == 200
    assert "No changes were recorded in this period." in page.text
    assert 'href="/public/transparency.pdf?from=' in page.text  # the PDF of the same period
    api.client.cookies.set("hifazat_lang", "ur")
    urdu = api.client.get("/public/transparency" + EMPTY).text
    assert "اس مدت میں کوئی تبدیلی درج نہیں ہوئی۔" in urdu


def test_nobody_is_named_on_the_page(registry: Registry, tmp_path: Path) -> None:
    _with_private_person(registry, tmp_path)
    api = make_api(registry)
    for language in ("en", "ur"):
        api.client.cookies.set("hifazat_lang", language)
        text = api.client.get("/public/transparency?from=2024-01-01T00:00:00%2B05:00").text
        assert "Khalid Maqbool Siddiqui" not in text  # public figures are counted, not named
        assert PRIVATE not in text and "zainab" not in text
