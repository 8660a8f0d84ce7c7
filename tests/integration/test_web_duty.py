"""The duty desk on the web: the provider's own desk sees its roster against the ground and
checks officers in and out (with its CSRF token); every other role is refused every duty page
without a name on it; the protectee's page tells counts, never who."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROLE_USERS, Api
from tests.integration.test_attendance import _roll
from tests.integration.test_web_pages import _signed_in

PAGES = ("/duty/sindh-police", "/duty/sindh-police?day=2026-01-26", "/duty/sindh-police/roll",
         "/duty/sindh-police/roster?start=2026-01-26")  # fmt: skip
DESK_ROLES = {"operator", "approver"}  # ssu-operator and ssu-chief, both of Sindh Police


@pytest.fixture
def staffed(api: Api, tmp_path: Path) -> Api:
    _roll(api.reg, tmp_path, "sindh-police", "SP", "ssu-operator")
    return api


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_duty_pages_route_by_role(staffed: Api, role: str) -> None:
    _signed_in(staffed, ROLE_USERS[role])
    for path in PAGES:
        page = staffed.client.get(path)
        if role in DESK_ROLES:
            assert page.status_code == 200, (path, page.status_code)
            assert "Officer SP 1" in page.text or "/roster" in path
        else:
            assert page.status_code == 403, (path, page.status_code)
            assert "Officer SP" not in page.text and "SP-1" not in page.text
    home = staffed.client.get("/duty")  # the menu's link: the desk's own provider
    assert home.status_code == (200 if role in DESK_ROLES else 403)


def test_another_provider_s_desk_is_refused(staffed: Api) -> None:
    _signed_in(staffed, "moi-operator")
    assert staffed.client.get("/duty").status_code == 200  # its own: the federal desk
    for path in PAGES:
        page = staffed.client.get(path)
        assert page.status_code == 403 and "Officer SP" not in page.text


def _form(token: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": token, "day": "2026-01-27", **fields}


def test_the_desk_checks_officers_in_and_out_and_the_protectee_sees_counts(staffed: Api) -> None:
    api = staffed
    token = _signed_in(api, "ssu-operator")
    url = "/duty/sindh-police/attendance"
    forged = api.client.post(url, data=_form("forged", kind="in", officer="SP-1",
                                             protectee="farooq-sattar"))  # fmt: skip
    assert forged.status_code == 403
    for n in ("1", "2"):
        made = api.client.post(url, data=_form(token, kind="in", officer=f"SP-{n}",
                                               protectee="farooq-sattar"),
                               follow_redirects=False)  # fmt: skip
        assert made.status_code == 303, made.text
    page = api.client.get("/duty/sindh-police?day=2026-01-27&done=in-SP-2").text
    assert "The check is recorded" in page
    evening = page[page.index("Farooq Sattar", page.index("evening")) :]
    assert "Officer SP 1" in evening and "Officer SP 2" in evening
    twice = api.client.post(url, data=_form(token, kind="in", officer="SP-1",
                                            protectee="anis-kaimkhani"))  # fmt: skip
    assert twice.status_code == 422 and "check out first" in twice.text
    typed = _form(token, kind="in", officer="SP-3", protectee="farooq-sattar", at="31/02/2026")
    bad_time = api.client.post(url, data=typed)
    assert bad_time.status_code == 422 and "not a date and time" in bad_time.text
    api.reg.clock.advance(minutes=5)
    out = api.client.post(url, data=_form(token, kind="out", officer="SP-2"),
                          follow_redirects=False)  # fmt: skip
    assert out.status_code == 303
    api.reg.clock.advance(minutes=10)
    for user in ("farooq", "mqm-liaison"):
        _signed_in(api, user)
        mine = api.client.get("/protectees/farooq-sattar").text
        duty = mine[mine.index("On duty now") :]
        assert re.search(r"1 of 2 officers on duty", duty), duty[:400]
        assert "fewer than decided" in duty
        assert "Officer SP" not in mine and "SP-1" not in mine


def test_the_duty_page_reads_in_urdu(staffed: Api) -> None:
    _signed_in(staffed, "ssu-chief")
    staffed.client.cookies.set("hifazat_lang", "ur")
    page = staffed.client.get("/duty/sindh-police/roll")
    assert page.status_code == 200 and 'lang="ur"' in page.text
    assert "Officer SP 1" in page.text and "Service number" not in page.text


def test_the_roster_page_shows_each_officer_s_shifts(staffed: Api) -> None:
    published = staffed.reg.cli("roster", "publish", "--provider", "sindh-police", "--from",
                                "2026-01-28", "--days", "2", "--time-limit", "2",
                                "--by", "ssu-operator")  # fmt: skip
    assert published.exit_code == 0, published.output
    _signed_in(staffed, "ssu-chief")
    page = staffed.client.get("/duty/sindh-police/roster?start=2026-01-28&days=2")
    assert page.status_code == 200
    assert "Officer SP 1" in page.text  # eight officers for 28 posts a shift: each has a post
    assert re.search(r"(Ali Khorshidi|Khalid Maqbool Siddiqui|Mustafa Kamal)</bdi>", page.text)
    assert re.search(r"(morning|evening|night)<br>", page.text)
    bad = staffed.client.get("/duty/sindh-police/roster?start=28-01-2026")
    assert bad.status_code == 422 and "start" in bad.text
