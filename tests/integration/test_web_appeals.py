"""The appeal from the notice itself: the protectee (or a liaison they named) opens the form
from their notice with the decision filled in, lodges, and is told what happens next; the
committee rules with its reasons, which the protectee's page then shows."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

from hifazat.domain.users import User
from hifazat.services import users
from tests.conftest import Api
from tests.integration.test_web_pages import _signed_in

REASON = "Sindh High Court ordered a review of provincial security details"
GROUNDS = "The threat against me has not changed since the detail was granted"
RULING = "The court's order asked for a review, not a withdrawal; the detail stays"


def seen(page: str) -> str:
    """A page's text as read: tags dropped (a <bdi> round a name), entities read, one space."""
    text = re.sub(r"<[^>]+>", "", page[page.find("<main") :])
    return " ".join(html.unescape(text).split())


def withdrawn(api: Api, protectee: str = "farooq-sattar") -> str:
    """A withdrawal proposed by the desk and approved by the chief, through the pages."""
    token = _signed_in(api, "ssu-operator")
    form = {
        "csrf_token": token,
        "action": "withdraw",
        "protectee": protectee,
        "provider": "sindh-police",
        "reason_code": "court-order",
        "reason": REASON,
    }
    made = api.client.post("/decide", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    decision = str(parse_qs(urlparse(made.headers["location"]).query)["proposed"][0])
    token = _signed_in(api, "ssu-chief")
    done = api.client.post(
        f"/decisions/{decision}/approve", data={"csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    return decision


def lodged(api: Api, user: str, decision: str) -> str:
    token = _signed_in(api, user)
    form = api.client.get(f"/appeals/new?decision={decision}")
    assert form.status_code == 200 and "Your grounds for appeal" in form.text
    sent = api.client.post(
        "/appeals", data={"csrf_token": token, "decision": decision, "grounds": GROUNDS}
    )
    assert sent.status_code == 200, sent.text
    assert "Your appeal has been lodged" in sent.text
    return str(parse_qs(urlparse(str(sent.url)).query)["lodged"][0])


def test_the_protectee_appeals_from_the_notice_and_reads_the_ruling(api: Api) -> None:
    decision = withdrawn(api)
    _signed_in(api, "farooq")
    page = api.client.get("/protectees/farooq-sattar").text
    link = f'href="/appeals/new?decision={decision}"'
    assert link in page and "Appeal this decision" in page
    form = api.client.get(f"/appeals/new?decision={decision}").text
    assert "decision to withdraw cover from <bdi>Farooq Sattar</bdi>" in form
    assert REASON in form and "Appeal before" in form  # the deadline: before it takes effect
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    # too short: refused at the field, with what was typed kept
    short = api.client.post(
        "/appeals", data={"csrf_token": token, "decision": decision, "grounds": "unfair"}
    )
    assert short.status_code == 422
    assert 'id="grounds-error"' in short.text and ">unfair</textarea>" in short.text
    appeal = lodged(api, "farooq", decision)
    done = api.client.get(f"/appeals?lodged={appeal}").text
    assert "What happens next" in done and "the decision is held" in done
    page = api.client.get("/protectees/farooq-sattar").text
    assert link not in page and "An appeal holds this change" in page

    token = _signed_in(api, "ptac-chair")
    listed = api.client.get("/appeals").text
    assert GROUNDS in listed and "Farooq Sattar" in listed and "Rule on the appeal" in listed
    empty = api.client.post(
        f"/appeals/{appeal}/decide",
        data={"csrf_token": token, "outcome": "overturned", "reason": "no"},
    )
    assert empty.status_code == 422 and f'id="reason-{appeal}-error"' in empty.text
    ruled = api.client.post(
        f"/appeals/{appeal}/decide",
        data={"csrf_token": token, "outcome": "overturned", "reason": RULING},
    )
    assert ruled.status_code == 200 and "The ruling is recorded" in ruled.text
    assert "Farooq Sattar and their liaisons are told" in seen(ruled.text)

    _signed_in(api, "farooq")
    page = api.client.get("/protectees/farooq-sattar").text
    assert "/appeals/new?decision=" not in page and "Appeal this decision" not in page
    read = seen(page)
    assert "The committee overturned Sindh Police — Special Security Unit's decision" in read
    assert f"The committee's reasons {RULING}" in read


def test_a_liaison_lodges_only_for_a_protectee_who_named_them(api: Api) -> None:
    decision = withdrawn(api, "anis-kaimkhani")
    users.add_user(
        api.reg.uow(),
        User("ppp-liaison", "PPP security liaison", frozenset({"liaison"})),
        "registrar",
        api.reg.clock,
    )
    token = _signed_in(api, "ppp-liaison")
    assert api.client.get(f"/appeals/new?decision={decision}").status_code == 403
    refused = api.client.post(
        "/appeals", data={"csrf_token": token, "decision": decision, "grounds": GROUNDS}
    )
    assert refused.status_code == 403
    _signed_in(api, "mqm-liaison")
    page = api.client.get("/protectees/anis-kaimkhani").text
    assert f'href="/appeals/new?decision={decision}"' in page
    appeal = lodged(api, "mqm-liaison", decision)
    assert appeal.startswith("ap")


def test_the_old_link_opens_the_form_and_the_free_typed_form_is_gone(api: Api) -> None:
    decision = withdrawn(api)
    _signed_in(api, "farooq")
    old = api.client.get(f"/appeals?decision={decision}")
    assert old.status_code == 200 and 'name="grounds"' in old.text
    assert f'name="decision" value="{decision}"' in old.text
    listing = api.client.get("/appeals").text
    assert 'id="decision"' not in listing and 'name="grounds"' not in listing
