"""Oversight's pages through HTTP: providers and affiliations by name, charts with their tables,
times as the reader writes them (never a raw ISO instant), in English and in Urdu."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tests.conftest import Api
from tests.integration.test_web_pages import _signed_in

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", page, re.DOTALL)]


def _in(api: Api, language: str) -> None:
    api.client.cookies.set("hifazat_lang", language)


def test_capacity_draws_each_providers_pool_by_name_with_its_table(api: Api) -> None:
    _signed_in(api, "auditor")
    page = api.client.get("/capacity").text
    assert "Sindh Police" in page and "sindh-police<" not in page
    charts = _svgs(page)
    assert len(charts) == 2 and all(c.get("role") == "img" for c in charts)
    assert 'class="govuk-table hz-stack"' in page and 'data-label="Committed now"' in page
    assert not ISO.search(page)
    _in(api, "ur")
    urdu = api.client.get("/capacity").text
    assert 'lang="ur"' in urdu and "Sindh Police" in urdu and "Committed now" not in urdu


def test_the_audit_names_clusters_in_the_readers_time_and_links_its_evidence(api: Api) -> None:
    _signed_in(api, "auditor")
    page = api.client.get("/audit?days=1000").text
    assert "cluster" in page and "MQM-P" in page
    assert not ISO.search(page), ISO.search(page)
    assert "between" in page or "all at" in page
    assert re.search(r'href="/protectees/[a-z-]+">', page)  # evidence opens its protectee
    charts = _svgs(page)
    assert charts and all(c.get("role") == "img" for c in charts)
    assert "95% interval" in page and "Rate (95% interval)" in page
    _in(api, "ur")
    urdu = api.client.get("/audit?days=1000").text
    assert 'dir="rtl"' in urdu and "MQM-P" in urdu and not ISO.search(urdu)
    assert "Findings" not in urdu and 'direction="rtl"' in urdu


def test_the_ledger_page_speaks_the_readers_language(api: Api) -> None:
    assert api.reg.cli("ledger", "checkpoint").exit_code == 0
    _signed_in(api, "auditor")
    page = api.client.get("/ledger?check=1").text
    assert "The ledger verifies" in page and not ISO.search(page.split("<pre")[0])
    _in(api, "ur")
    urdu = api.client.get("/ledger").text
    assert "Latest checkpoint" not in urdu and "Public key" not in urdu
