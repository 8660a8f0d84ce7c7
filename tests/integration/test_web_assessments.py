"""Threat assessments: due and expiring, by protectee name, redacted as access/redaction.py
says; intelligence enters one through a form that keeps what was typed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from hifazat.services import registry_entries
from tests.conftest import ROLE_USERS, Api
from tests.integration.test_web_pages import _signed_in

#: who may open the page: those who read assessments (a covering approver, the level only)
#: and intelligence, who enters them
READERS = {"committee", "auditor", "intelligence", "approver"}
SUMMARY = "Credible threat reported by informants in Lyari; renew monthly"


def _assess(api: Api, valid_for: timedelta) -> None:
    now: datetime = api.reg.clock()
    registry_entries.add_assessment(
        api.reg.uow(),
        registry_entries.NewAssessment(
            protectee="farooq-sattar",
            level="high",
            agency="Special Branch Sindh",
            assessed_at=now - timedelta(days=60),
            valid_until=now + valid_for,
            summary=SUMMARY,
            by="special-branch",
        ),
        api.reg.clock,
    )


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_the_assessments_page_answers_only_its_roles(api: Api, role: str) -> None:
    _signed_in(api, ROLE_USERS[role])
    assert api.client.get("/assessments").status_code == (200 if role in READERS else 403)
    assert ('href="/assessments"' in api.client.get("/").text) == (role in READERS)


def test_expiring_assessments_by_name_with_the_summary_only_for_its_readers(api: Api) -> None:
    _assess(api, timedelta(days=10))
    _signed_in(api, "special-branch")
    home = api.client.get("/").text
    assert "1 assessment expires within 30 days." in home
    page = api.client.get("/assessments").text
    expiring = page.split("Expiring within 30 days")[1].split("In force for longer")[0]
    assert "Farooq Sattar" in expiring and "high" in expiring and SUMMARY in expiring
    assert "2026-02-06 15:00" in expiring  # valid until, in Karachi time
    _signed_in(api, "ssu-chief")  # an approver of a covering provider: the level alone
    page = api.client.get("/assessments").text
    assert "Farooq Sattar" in page and "high" in page
    assert SUMMARY not in page and "Special Branch Sindh" not in page


def test_a_lapsed_assessment_is_due_for_renewal(api: Api) -> None:
    _assess(api, timedelta(days=-1))
    _signed_in(api, "ptac-chair")
    page = api.client.get("/assessments").text
    due = page.split("Due for renewal")[1].split("Expiring within 30 days")[0]
    assert "Farooq Sattar" in due


def test_intelligence_enters_an_assessment_and_a_mistake_keeps_what_was_typed(api: Api) -> None:
    token = _signed_in(api, "special-branch")
    typed = {
        "protectee": "farooq-sattar",
        "level": "high",
        "agency": "Special Branch Sindh",
        "assessed_at": "",
        "valid_until": "20/01/2026 10:00",  # before now: must be after it was assessed
        "summary": SUMMARY,
        "csrf_token": token,
    }
    refused = api.client.post("/assessments", data=typed)
    assert refused.status_code == 422
    assert 'id="valid_until-error"' in refused.text
    assert 'value="20/01/2026 10:00"' in refused.text and SUMMARY in refused.text
    assert 'value="Special Branch Sindh"' in refused.text
    empty = api.client.post("/assessments", data={**typed, "level": ""})
    assert empty.status_code == 422 and 'id="level-error"' in empty.text
    forged = api.client.post("/assessments", data={**typed, "csrf_token": "forged"})
    assert forged.status_code == 403
    made = api.client.post(
        "/assessments", data={**typed, "valid_until": "20/02/2026 10:00"}, follow_redirects=False
    )
    assert made.status_code == 303
    page = api.client.get(made.headers["location"]).text
    assert "Assessment of <bdi>Farooq Sattar</bdi> entered." in page
    assert re.search(r"Expiring within 30 days.*Farooq Sattar", page, re.S)


def test_only_intelligence_may_enter_one(api: Api) -> None:
    token = _signed_in(api, "ptac-chair")
    page = api.client.post(
        "/assessments",
        data={"protectee": "farooq-sattar", "level": "low", "csrf_token": token},
    )
    assert page.status_code == 403
    assert "Enter an assessment" not in api.client.get("/assessments").text
