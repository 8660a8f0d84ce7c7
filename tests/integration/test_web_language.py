"""The language of the pages: the switch on every page (a cookie, then back to the same page on
this site only), the signed-in user's own language, the browser's for whoever is not signed in,
and times in the deployment's zone whichever the language."""

from __future__ import annotations

import json
import re

import pytest

from hifazat.services import users
from hifazat.web.pages import LANGUAGE_COOKIE
from tests.conftest import Api
from tests.integration.test_web_pages import _signed_in

HTML = re.compile(r"<html[^>]*\blang=\"(\w+)\"[^>]*\bdir=\"(\w+)\"")


def _lang_dir(page: str) -> tuple[str, str]:
    found = HTML.search(page)
    assert found is not None, page[:300]
    return found.group(1), found.group(2)


def test_the_switch_sets_the_cookie_and_returns_to_the_page(api: Api) -> None:
    _signed_in(api, "ssu-operator")
    switched = api.client.get(
        "/language/ur", params={"next": "/protectees?q=x"}, follow_redirects=False
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == "/protectees?q=x"
    cookie = switched.headers["set-cookie"]
    assert f"{LANGUAGE_COOKIE}=ur" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert _lang_dir(api.client.get("/").text) == ("ur", "rtl")
    back = api.client.get("/language/en", params={"next": "/"}, follow_redirects=False)
    assert back.headers["location"] == "/"
    assert _lang_dir(api.client.get("/").text) == ("en", "ltr")


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "/\\evil.example", "https://evil.example/", "evil", ""]
)
def test_the_switch_returns_only_to_this_site(api: Api, target: str) -> None:
    switched = api.client.get("/language/ur", params={"next": target}, follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/"


def test_an_unknown_language_is_refused(api: Api) -> None:
    refused = api.client.get("/language/fr", params={"next": "/"}, follow_redirects=False)
    assert refused.status_code == 422
    assert LANGUAGE_COOKIE not in refused.headers.get("set-cookie", "")


def test_a_user_whose_language_is_urdu_reads_urdu_without_the_cookie(api: Api) -> None:
    users.set_language(api.reg.uow(), "ssu-chief", "ur", "registrar", api.reg.clock)
    _signed_in(api, "ssu-chief")
    assert LANGUAGE_COOKIE not in api.client.cookies
    home = api.client.get("/").text
    assert _lang_dir(home) == ("ur", "rtl")
    assert "خروج" in home or "سائن آؤٹ" in home  # sign out, in Urdu
    # the switch outranks the user's own language, and is kept
    api.client.get("/language/en", params={"next": "/"})
    assert _lang_dir(api.client.get("/").text) == ("en", "ltr")
    assert _lang_dir(api.client.get("/protectees").text) == ("en", "ltr")


def test_the_browser_language_serves_the_signed_out(api: Api) -> None:
    login = api.client.get("/login", headers={"Accept-Language": "ur-PK,ur;q=0.9,en;q=0.5"})
    assert _lang_dir(login.text) == ("ur", "rtl")
    assert _lang_dir(api.client.get("/login", headers={"Accept-Language": "en-GB"}).text) == (
        "en",
        "ltr",
    )
    # a reader's switch outranks what their browser asks for
    api.client.cookies.set(LANGUAGE_COOKIE, "en")
    login = api.client.get("/login", headers={"Accept-Language": "ur"})
    assert _lang_dir(login.text) == ("en", "ltr")


def test_a_cookie_with_no_known_language_is_ignored(api: Api) -> None:
    api.client.cookies.set(LANGUAGE_COOKIE, "<script>")
    assert _lang_dir(api.client.get("/login").text) == ("en", "ltr")


@pytest.mark.parametrize(
    ("lang", "shown", "zone"),
    [
        ("en", "2026-01-27 15:00 PKT", "Pakistan Time (Asia/Karachi)"),
        ("ur", "27 جنوری 2026، 15:00", "پاکستان کا وقت"),
    ],
)
def test_times_are_in_the_deployment_zone_in_either_language(
    api: Api, lang: str, shown: str, zone: str
) -> None:
    """The clock stands at 10:00 UTC: Karachi's 15:00, in the reader's own way of writing it."""
    proposed = api.reg.cli(
        "decide", "withdraw", "--protectee", "farooq-sattar", "--provider", "sindh-police",
        "--by", "ssu-operator", "--reason-code", "court-order",
        "--reason", "Sindh High Court ordered a review of provincial security details", "--json",
    )  # fmt: skip
    assert proposed.exit_code == 0, proposed.output
    decision = json.loads(proposed.output)["decision"]
    _signed_in(api, "ssu-chief")
    api.client.get(f"/language/{lang}")
    page = api.client.get(f"/decisions/{decision}/approve").text
    assert shown in page
    assert "2026-01-27T10:00" not in page and "10:00" not in page
    assert zone in page  # the footer names the zone the times are in, as the reader would
