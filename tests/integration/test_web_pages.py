"""Pages through the web's own sign-in: each renders for those who may see it, and is refused
(or hidden) for those who may not; every form needs its CSRF token."""

from __future__ import annotations

import re

from hifazat.services import auth
from tests.conftest import Api

PASSWORD = "correct horse battery staple"


def _signed_in(api: Api, user: str) -> str:
    auth.set_password(api.reg.uow(), user, PASSWORD, "registrar", api.reg.clock())
    api.client.cookies.clear()
    response = api.client.post(
        "/login", data={"user": user, "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    # the token is in every signed-in page's sign-out form: take it from the cheapest (a 404)
    page = api.client.get("/signed-in-check").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    return token.group(1)


def test_pages_render_for_oversight(api: Api) -> None:
    _signed_in(api, "auditor")
    for path in (
        "/",
        "/protectees",
        "/protectees/farooq-sattar",
        "/reviews",
        "/appeals",
        "/capacity",
        "/ledger",
        "/ledger?check=1",
        "/audit?days=1000",
    ):
        response = api.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    assert "The ledger verifies" in api.client.get("/ledger?check=1").text
    audit = api.client.get("/audit?days=1000").text
    assert "cluster" in audit and "MQM-P" in audit


def test_a_protectee_is_kept_to_their_own_pages(api: Api) -> None:
    _signed_in(api, "farooq")
    assert api.client.get("/protectees/farooq-sattar").status_code == 200
    other = api.client.get("/protectees/ali-khorshidi")
    assert other.status_code == 403 and "Not yours to see" in other.text
    for path in ("/audit", "/capacity", "/reviews", "/decide"):
        assert api.client.get(path).status_code == 403, path


def test_forms_need_the_csrf_token_and_anonymous_visitors_sign_in(api: Api) -> None:
    token = _signed_in(api, "ssu-operator")
    body = {
        "action": "withdraw",
        "protectee": "farooq-sattar",
        "provider": "sindh-police",
        "reason_code": "court-order",
        "reason": "A court ordered a review of the detail",
    }
    forged = api.client.post("/decide", data={**body, "csrf_token": "forged"})
    assert forged.status_code == 403
    made = api.client.post("/decide", data={**body, "csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303 and "/protectees/farooq-sattar" in made.headers["location"]
    api.client.cookies.clear()
    anonymous = api.client.get("/protectees/farooq-sattar", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=/protectees/farooq-sattar"
    wrong = api.client.post("/login", data={"user": "ssu-operator", "password": "nope"})
    assert wrong.status_code == 401 and "wrong user or password" in wrong.text


def test_what_users_typed_is_escaped_on_every_page(api: Api) -> None:
    token = _signed_in(api, "ssu-operator")
    script = "<script>alert('x')</script> redeployment of the detail"
    body = {
        "action": "withdraw",
        "protectee": "farooq-sattar",
        "provider": "sindh-police",
        "reason_code": "court-order",
        "reason": script,
        "csrf_token": token,
    }
    api.client.post("/decide", data=body)
    page = api.client.get("/protectees/farooq-sattar").text
    assert "&lt;script&gt;" in page and "<script>" not in page
    login = api.client.get('/login?next="><script>x</script>').text
    assert "<script>" not in login


def test_sign_in_sends_nobody_to_another_site(api: Api) -> None:
    auth.set_password(api.reg.uow(), "auditor", PASSWORD, "registrar", api.reg.clock())
    for target in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        api.client.cookies.clear()
        response = api.client.post(
            "/login",
            data={"user": "auditor", "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/", target
    page = api.client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
