"""A liaison, acting for the protectees who named them, files a ground report from the web with
the time left empty (now), and is offered the appeal form the notice speaks of."""

from __future__ import annotations

from sqlalchemy import text

from hifazat.domain.users import User
from hifazat.services import users
from tests.conftest import Api
from tests.integration.test_web_pages import _signed_in


def _reports(api: Api) -> int:
    with api.reg.engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM discrepancies")).scalar_one())


def test_a_liaison_files_a_ground_report_with_the_time_left_empty(api: Api) -> None:
    csrf = _signed_in(api, "mqm-liaison")
    before = _reports(api)
    form = {
        "csrf_token": csrf,
        "protectee": "farooq-sattar",
        "provider": "sindh-police",
        "observed_at": "",
        "text": "The guard post at the residence has been empty since the morning",
    }
    page = api.client.post("/report", data=form)
    assert page.status_code == 200, page.text
    assert "text/html" in page.headers["content-type"]
    assert _reports(api) == before + 1
    # a liaison nobody named may file for no one, and nothing is filed
    users.add_user(
        api.reg.uow(),
        User("ppp-liaison", "PPP security liaison", frozenset({"liaison"})),
        "registrar",
        api.reg.clock,
    )
    csrf = _signed_in(api, "ppp-liaison")
    refused = api.client.post("/report", data={**form, "csrf_token": csrf})
    assert refused.status_code == 403 and _reports(api) == before + 1


def test_a_liaison_is_offered_the_appeal_form(api: Api) -> None:
    _signed_in(api, "mqm-liaison")
    page = api.client.get("/appeals?decision=d-006")
    assert page.status_code == 200
    assert 'name="grounds"' in page.text
