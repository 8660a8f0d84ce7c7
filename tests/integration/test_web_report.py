"""The ground report from a phone: the protectee chosen from those the reporter may report on,
the time left empty meaning now, a refusal at its field with what was typed kept."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import text

from hifazat.domain.times import utc_text
from hifazat.domain.users import User
from hifazat.services import users
from tests.conftest import Api
from tests.integration.test_web_pages import _signed_in

SAW = "The guard post at the residence has been empty since the morning"


def _offered(page: str) -> list[str]:
    select = page[page.index('id="protectee"') :]
    return re.findall(r'<option value="([^"]+)"', select[: select.index("</select>")])


def test_the_time_left_empty_files_the_report_at_now(api: Api) -> None:
    token = _signed_in(api, "mqm-liaison")
    form = api.client.get("/report").text
    assert "Seen at" in form and "Leave it empty if you saw it just now." in form
    assert sorted(_offered(form)) == sorted(
        ["khalid-maqbool-siddiqui", "mustafa-kamal", "farooq-sattar", "anis-kaimkhani",
         "ali-khorshidi"]
    )  # fmt: skip
    filed = api.client.post(
        "/report",
        data={
            "csrf_token": token,
            "protectee": "farooq-sattar",
            "provider": "sindh-police",
            "observed_at": "",
            "text": SAW,
        },
    )
    assert filed.status_code == 200 and "Your report has been filed" in filed.text
    with api.reg.engine.connect() as c:
        at = c.execute(
            text("SELECT observed_at FROM discrepancies WHERE text = :t"), {"t": SAW}
        ).scalar_one()
    when = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    assert utc_text(when) == utc_text(api.reg.clock())


def test_a_refusal_sits_at_its_field_with_what_was_typed(api: Api) -> None:
    token = _signed_in(api, "mqm-liaison")
    form = {
        "csrf_token": token,
        "protectee": "ali-khorshidi",
        "provider": "sindh-police",
        "observed_at": "",
        "text": "gone",
    }
    short = api.client.post("/report", data=form)
    assert short.status_code == 422
    assert 'id="text-error"' in short.text and ">gone</textarea>" in short.text
    assert 'value="ali-khorshidi" selected' in short.text
    bad_time = api.client.post(
        "/report", data={**form, "text": SAW, "observed_at": "yesterday noon"}
    )
    assert bad_time.status_code == 422 and 'id="observed_at-error"' in bad_time.text
    assert 'value="yesterday noon"' in bad_time.text and SAW in bad_time.text


def test_each_reporter_is_offered_only_whom_they_may_report_on(api: Api) -> None:
    _signed_in(api, "farooq")
    page = api.client.get("/report").text
    assert _offered(page) == ["farooq-sattar"] and 'value="farooq-sattar" selected' in page
    users.add_user(
        api.reg.uow(),
        User("ppp-liaison", "PPP security liaison", frozenset({"liaison"})),
        "registrar",
        api.reg.clock,
    )
    _signed_in(api, "ppp-liaison")
    page = api.client.get("/report").text
    assert 'id="protectee"' not in page and "There is no one you may report on." in page
