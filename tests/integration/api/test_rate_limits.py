"""Rate limits on every route that needs no sign-in and on signing in (per address, and per user
name), and the public report built once per ledger head and period, whatever the number of
requests for it. Limits are set low here; the other tests raise them (conftest.make_api)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient

from hifazat.bootstrap.app import create_app
from hifazat.services import auth
from hifazat.settings import ServerSettings
from tests.conftest import GENEROUS, WITHDRAWAL, Api, Registry

if TYPE_CHECKING:
    from hifazat.serving.public_reports import PublicReports

PASSWORD = "correct horse battery staple"
PROPOSAL = WITHDRAWAL


def _client(reg: Registry, client: tuple[str, int] = ("192.0.2.1", 4000), **rates: Any) -> Any:
    limits = {
        "login_rate": GENEROUS,
        "login_user_rate": GENEROUS,
        "report_rate": GENEROUS,
        "public_rate": GENEROUS,
        **rates,
    }
    settings = ServerSettings(
        database_url=reg.url, ledger_key=reg.key_path, secure_cookies=False, **limits
    )
    app = create_app(settings, reg.clock, engine=reg.engine, periodic=False)
    return TestClient(app, client=client)


def _limited(response: Any, naming: str) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["Retry-After"]) >= 1
    if response.headers["content-type"].startswith("application/json"):
        assert response.json()["error"]["code"] == "RATE_LIMITED"
        assert naming in response.json()["error"]["message"]
    else:  # a page for the web's routes
        assert "Too many requests" in response.text and naming in response.text


def _login(client: TestClient, user: str, password: str = "wrong") -> Any:
    return client.post("/api/v1/auth/login", json={"user": user, "password": password})


#: every route that answers a caller who is not signed in
ANONYMOUS = [
    ("GET", "/api/v1/health", None),
    ("GET", "/api/v1/ready", None),
    ("GET", "/api/v1/ledger/public-key", None),
    ("GET", "/api/v1/ledger/log/checkpoint", None),
    ("GET", "/api/v1/ledger/log/tile/0/000.p/1", None),
    ("GET", "/api/v1/reports/transparency", None),
    ("GET", "/public/transparency", None),
    ("GET", "/public/transparency.pdf", None),
    ("GET", "/login", None),
]


def test_every_route_that_needs_no_sign_in_is_limited_per_address(api: Api) -> None:
    assert api.reg.cli("ledger", "checkpoint").exit_code == 0  # so the log has a tile to serve
    for method, path, _ in ANONYMOUS:
        client = _client(api.reg, public_rate="1/minute", report_rate="1/minute")
        assert client.request(method, path).status_code == 200, path
        _limited(client.request(method, path), "from this address")
        # another address has its own count
        other = TestClient(client.app, client=("192.0.2.2", 4000))
        assert other.request(method, path).status_code == 200, path


def test_signed_in_callers_are_not_counted(api: Api) -> None:
    client = _client(api.reg, public_rate="1/minute")
    bearer = {"Authorization": f"Bearer {api.tokens['operator']}"}
    for _ in range(5):
        assert client.get("/api/v1/protectees", headers=bearer).status_code == 200


def test_sign_in_is_limited_per_address_on_the_api_and_the_web(api: Api) -> None:
    client = _client(api.reg, login_rate="3/minute")
    for name in ("ssu-chief", "ssu-operator", "auditor"):  # different names: the address counts
        assert _login(client, name).status_code == 401
    _limited(_login(client, "ptac-chair"), "sign-in attempts from this address")
    # the web's form shares the count, and answers with a page
    form = client.post("/login", data={"user": "registrar", "password": "x", "next": "/"})
    _limited(form, "sign-in attempts from this address")


def test_sign_in_is_limited_per_user_name_even_with_the_right_password(api: Api) -> None:
    auth.set_password(api.reg.uow(), "ssu-chief", PASSWORD, "registrar", api.reg.clock())
    client = _client(api.reg, login_user_rate="2/minute")
    assert _login(client, "ssu-chief").status_code == 401
    assert _login(client, "ssu-chief").status_code == 401
    # from another address, in other letters, with the right password: still refused
    elsewhere = TestClient(client.app, client=("198.51.100.7", 1234))
    _limited(_login(elsewhere, "SSU-Chief ", PASSWORD), "this user name")
    form = elsewhere.post("/login", data={"user": "ssu-chief", "password": PASSWORD})
    _limited(form, "this user name")
    # another name is not held up by it
    assert _login(client, "ssu-operator").status_code == 401


def test_the_public_report_is_limited_per_address(api: Api) -> None:
    client = _client(api.reg, report_rate="2/minute")
    assert client.get("/public/transparency.pdf").status_code == 200
    assert client.get("/api/v1/reports/transparency").status_code == 200
    _limited(client.get("/public/transparency.pdf"), "public report")
    _limited(client.get("/api/v1/reports/transparency"), "public report")
    # other public routes count on their own
    assert client.get("/api/v1/ledger/public-key").status_code == 200


# --- the public report's cache ----------------------------------------------------------------
def _reports(client: TestClient) -> PublicReports:
    from hifazat.serving.public_reports import PublicReports  # here: each test fails on its own

    reports = client.app.state.public_reports  # type: ignore[attr-defined]
    assert isinstance(reports, PublicReports)
    return reports


def test_the_public_report_is_rendered_once_per_ledger_head(api: Api) -> None:
    client = _client(api.reg)
    renders = _reports(client).renders
    pdfs = [client.get("/public/transparency.pdf") for _ in range(5)]
    assert {r.status_code for r in pdfs} == {200} and len({r.content for r in pdfs}) == 1
    page = client.get("/public/transparency")
    data = client.get("/api/v1/reports/transparency")
    assert page.status_code == data.status_code == 200
    client.get("/public/transparency")
    assert (renders["report"], renders["pdf"], renders["html"]) == (1, 1, 1)
    # a change to the registry appends to the ledger: the next request builds afresh
    bearer = {"Authorization": f"Bearer {api.tokens['operator']}"}
    assert client.post("/api/v1/decisions", json=PROPOSAL, headers=bearer).status_code == 201
    client.get("/public/transparency.pdf")
    assert (renders["report"], renders["pdf"]) == (2, 2)
    # and so does the passing of time (a decision takes effect without a ledger entry)
    api.reg.clock.advance(minutes=2)
    client.get("/public/transparency.pdf")
    assert (renders["report"], renders["pdf"]) == (3, 3)


def test_each_period_is_its_own_entry_and_the_cache_is_bounded(api: Api) -> None:
    client = _client(api.reg, report_cache_size=2)
    renders = _reports(client).renders
    periods = [f"?from=202{y}-01-01T00:00:00%2B05:00" for y in (3, 4, 5)]
    for query in [*periods, periods[2]]:
        assert client.get(f"/api/v1/reports/transparency{query}").status_code == 200
    assert renders["report"] == 3  # the last asked again: kept
    client.get(f"/api/v1/reports/transparency{periods[0]}")
    assert renders["report"] == 4  # the first: pushed out by the bound of two


def test_requests_at_the_same_moment_render_once(api: Api) -> None:
    client = _client(api.reg)
    reports, reg = _reports(client), api.reg
    results: list[bytes] = []

    def fetch() -> None:
        results.append(reports.get(reg.uow, reg.clock, None, None).pdf())

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len(set(results)) == 1
    assert (reports.renders["report"], reports.renders["pdf"]) == (1, 1)
