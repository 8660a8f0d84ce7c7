"""The decision form keeps what was typed and puts each rule's refusal at its field, times in
the deployment's zone; approving a change is confirmed on a page that says what it does."""

from __future__ import annotations

import html
import re

from tests.conftest import Api
from tests.integration.test_web_pages import _signed_in

WITHDRAW = {
    "action": "withdraw",
    "protectee": "farooq-sattar",
    "provider": "sindh-police",
    "reason_code": "court-order",
    "reason": "A court ordered a review of the detail",
}
UTC_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z")


def _text(page: str) -> str:
    """The page's words, as read: tags gone, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split()).replace(" .", ".")


def _error(page: str, field: str) -> str:
    found = re.search(rf'<p class="govuk-error-message" id="{field}-error">(.*?)</p>', page, re.S)
    assert found is not None, f"no error at {field}"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def test_a_missing_reason_code_is_refused_at_the_code_and_what_was_typed_stays(api: Api) -> None:
    token = _signed_in(api, "ssu-operator")
    typed = {
        **WITHDRAW,
        "reason_code": "",
        "reason": "too short",
        "effective_at": "02/02/2026 09:30",
    }
    page = api.client.post("/decide", data={**typed, "csrf_token": token})
    assert page.status_code == 422
    assert "reason code is required" in _error(page.text, "reason_code")
    assert "office-entitlement" not in _error(page.text, "reason_code")  # words, not ids
    assert "R-REASON" in _error(page.text, "reason")  # the text is too short as well
    assert "reason code" not in _error(page.text, "reason")
    assert ">too short</textarea>" in page.text
    assert 'value="02/02/2026 09:30"' in page.text
    assert '<option value="farooq-sattar" selected>' in page.text
    assert '<option value="withdraw" selected>' in page.text
    assert 'class="govuk-error-summary"' in page.text and 'href="#reason_code"' in page.text


def test_r_notice_answers_in_local_time(api: Api) -> None:
    token = _signed_in(api, "ssu-operator")
    typed = {**WITHDRAW, "effective_at": "28/01/2026 10:00"}  # Karachi time; notice is 3 days
    page = api.client.post("/decide", data={**typed, "csrf_token": token})
    assert page.status_code == 422
    said = _error(page.text, "effective_at")
    assert "R-NOTICE" in said
    assert "2026-01-30 15:00" in said  # now (27 January, 15:00 in Karachi) and 3 days
    assert "2026-01-28 10:00" in said  # what was asked, as typed
    assert not UTC_ISO.search(page.text)
    assert 'value="28/01/2026 10:00"' in page.text


def test_a_state_refusal_is_at_the_action(api: Api) -> None:
    token = _signed_in(api, "ssu-operator")
    typed = {**WITHDRAW, "action": "resume"}  # the cover is active: nothing to resume
    page = api.client.post("/decide", data={**typed, "csrf_token": token})
    assert page.status_code == 422
    assert "R-STATE" in _error(page.text, "action")


def test_an_empty_choice_is_asked_for_at_its_field(api: Api) -> None:
    token = _signed_in(api, "ssu-operator")
    page = api.client.post("/decide", data={**WITHDRAW, "protectee": "", "csrf_token": token})
    assert page.status_code == 422
    assert "Choose the protectee" in _error(page.text, "protectee")


def test_approving_is_confirmed_in_full_first(api: Api) -> None:
    token = _signed_in(api, "ssu-operator")
    made = api.client.post(
        "/decide", data={**WITHDRAW, "csrf_token": token}, follow_redirects=False
    )
    assert made.status_code == 303 and "?proposed=" in made.headers["location"]
    mine = api.client.get("/").text
    assert "Your proposals awaiting approval" in mine and "withdraw cover from" in mine

    token = _signed_in(api, "ssu-chief")
    home = api.client.get("/").text
    said = "Sindh Police — Special Security Unit proposes to withdraw cover from Farooq Sattar."
    assert said in _text(home) and WITHDRAW["reason"] in home
    link = re.search(r'<a [^>]*href="(/decisions/[^"]+/approve)"[^>]*>Approve</a>', home)
    assert link is not None

    confirm = api.client.get(link.group(1))
    assert confirm.status_code == 200
    page = confirm.text
    assert "govuk-warning-text" in page
    assert "This takes cover away from Farooq Sattar." in _text(page)
    for said in ("Sindh Police — Special Security Unit", "A court ordered the change"):
        assert said in _text(page)
    assert "may appeal" in page and "Takes effect" in page
    assert "Yes, approve this change</button>" in page
    assert 'href="/">Back, without approving</a>' in page
    assert not UTC_ISO.search(page)

    done = api.client.post(link.group(1), data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"].startswith("/protectees/farooq-sattar?approved=")
    assert "Nothing awaits your approval." in api.client.get("/").text
    again = api.client.get(link.group(1)).text
    assert "no longer awaits approval" in again and "Yes, approve this change" not in again


def test_a_refused_approval_is_said_on_the_confirmation_page(api: Api) -> None:
    token = _signed_in(api, "ssu-chief")  # proposes, so may not approve too (two people)
    made = api.client.post(
        "/decide", data={**WITHDRAW, "csrf_token": token}, follow_redirects=False
    )
    decision = made.headers["location"].split("proposed=")[1]
    refused = api.client.post(f"/decisions/{decision}/approve", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "The change was not approved" in refused.text and "R-AUTHORITY" in refused.text
    assert "Yes, approve this change" in refused.text


def test_the_refusal_and_the_confirmation_read_in_urdu(api: Api) -> None:
    token = _signed_in(api, "ssu-operator")
    api.client.cookies.set("hifazat_lang", "ur")
    typed = {**WITHDRAW, "effective_at": "28/01/2026 10:00"}
    refused = api.client.post("/decide", data={**typed, "csrf_token": token})
    assert refused.status_code == 422
    said = _error(refused.text, "effective_at")
    assert "R-NOTICE" in said and "نوٹس لازم ہے" in said
    api.client.post("/decide", data={**WITHDRAW, "csrf_token": token})
    _signed_in(api, "ssu-chief")
    api.client.cookies.set("hifazat_lang", "ur")
    home = api.client.get("/").text
    link = re.search(r'href="(/decisions/[^"]+/approve)"', home)
    assert link is not None
    confirm = api.client.get(link.group(1)).text
    assert "جی ہاں، یہ تبدیلی منظور کریں" in confirm and "منظور کیے بغیر واپس جائیں" in confirm
