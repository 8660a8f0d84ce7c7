"""Each role's home answers its first question (issue 13, item 3): what awaits them, by name."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROLE_USERS, Api
from tests.integration.test_web_pages import _signed_in

#: what each role's home must say first
FIRST = {
    "admin": "Users, channels and the policy",
    "operator": "Your proposals awaiting approval",
    "approver": "Awaiting your approval",
    "committee": "Appeals awaiting a ruling",
    "intelligence": "Threat assessments to renew",
    "auditor": "What to examine",
    "liaison": "People who named you their liaison",
}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
#: the homes that show open flags, whose detail (the domain's text) still carries UTC instants
WITH_FLAGS = {"operator", "approver", "committee"}


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_each_role_home_says_its_first_thing(api: Api, role: str) -> None:
    _signed_in(api, ROLE_USERS[role])
    home = api.client.get("/", follow_redirects=False)
    if role == "protectee":
        assert home.status_code == 303
        assert home.headers["location"] == "/protectees/farooq-sattar"
        return
    assert home.status_code == 200
    assert FIRST[role] in home.text
    if role not in WITH_FLAGS:
        assert not ISO.search(home.text)
    if role in WITH_FLAGS:  # each flag says in words what it calls attention to
        assert "Review overdue" in home.text and "(R-REVIEW)" in home.text
    if role == "auditor":  # with a headline figure
        assert re.search(r"It holds \d+ entries\.", home.text)
    if ROLE_USERS[role] != role:  # the auditor's login is also the role's word
        assert f">{ROLE_USERS[role]}<" not in home.text  # the user by name, not login


def test_a_liaison_sees_the_people_who_named_them_with_their_cover(api: Api) -> None:
    _signed_in(api, "mqm-liaison")
    home = api.client.get("/").text
    assert (
        '<a class="govuk-link" href="/protectees/farooq-sattar"><bdi>Farooq Sattar</bdi></a>'
        in home
    )
    assert 'href="/report?protectee=farooq-sattar"' in home
    assert "<bdi>Sindh Police — Special Security Unit</bdi>: <bdi>Nominal</bdi> (active)" in home


def test_the_protectee_list_shows_cover_now_in_words(api: Api) -> None:
    _signed_in(api, "auditor")
    page = api.client.get("/protectees").text
    assert "Cover now" in page and "hz-stack" in page
    row = page.split('href="/protectees/khalid-maqbool-siddiqui"')[1].split("</tr>")[0]
    assert "Ministry of Interior — federal protection</bdi>: <bdi>Standard</bdi> (active)" in row
    assert "Dedicated detail" in row
    assert 'data-label="Cover now"' in row


def test_confirming_a_review_says_so(api: Api) -> None:
    token = _signed_in(api, "ssu-chief")
    queue = api.client.get("/reviews").text
    assert "Farooq Sattar" in queue and "hz-stack" in queue
    coverage = re.findall(r'name="coverage" value="([^"]+)"', queue)[0]
    short = api.client.post(
        "/reviews", data={"csrf_token": token, "coverage": coverage, "reason": "fine"}
    )
    assert short.status_code == 422 and 'value="fine"' in short.text
    assert f'id="reason-{coverage}-error"' in short.text
    done = api.client.post(
        "/reviews",
        data={"csrf_token": token, "coverage": coverage, "reason": "The threat is unchanged."},
    )
    assert done.status_code == 200
    assert "Cover confirmed for another review period." in done.text


PAGES = ("/", "/protectees", "/reviews", "/decide", "/assessments", "/registry")


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_the_desk_pages_read_in_urdu(api: Api, role: str) -> None:
    _signed_in(api, ROLE_USERS[role])
    api.client.cookies.set("hifazat_lang", "ur")
    for path in PAGES:
        page = api.client.get(path)
        assert page.status_code in (200, 403), (path, page.status_code)
        if page.status_code == 200:
            assert 'lang="ur" dir="rtl"' in page.text, path
    if role == "approver":
        assert "آپ کی منظوری کے منتظر" in api.client.get("/").text


def _decided(api: Api, protectee: str, emergency: bool) -> str:
    """A withdrawal proposed by the desk and approved by its chief, through the pages."""
    token = _signed_in(api, "ssu-operator")
    body = {
        "action": "withdraw",
        "protectee": protectee,
        "provider": "sindh-police",
        "reason_code": "court-order",
        "reason": "A court ordered a review of the detail",
        "csrf_token": token,
    }
    if emergency:
        body["emergency"] = "1"
    made = api.client.post("/decide", data=body, follow_redirects=False)
    decision: str = made.headers["location"].split("proposed=")[1]
    token = _signed_in(api, "ssu-chief")
    approved = api.client.post(
        f"/decisions/{decision}/approve", data={"csrf_token": token}, follow_redirects=False
    )
    assert approved.status_code == 303, approved.text
    return decision


def test_the_committee_sees_appeals_and_emergencies_named_and_stated(api: Api) -> None:
    from hifazat.services import appeals

    appealed = _decided(api, "farooq-sattar", emergency=False)
    appeals.lodge(api.reg.uow(), appealed, "farooq", "The threat has not changed.", api.reg.clock)
    _decided(api, "anis-kaimkhani", emergency=True)
    _signed_in(api, "ptac-chair")
    home = " ".join(re.sub(r"<[^>]+>", " ", api.client.get("/").text).split())
    assert (
        "Farooq Sattar appeals against the decision of Sindh Police — Special Security Unit to "
        "withdraw cover from Farooq Sattar" in home
    )
    assert (
        "Sindh Police — Special Security Unit decided in an emergency to withdraw cover from "
        "Anis Kaimkhani" in home
    )
    assert "To be ratified by 2026-01-28 15:00" in home
