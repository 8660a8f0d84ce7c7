"""The protectee's page as their home: cover now by name and in words, what is about to change
in a warning, their own copy of each notice only (staff see every copy), and Urdu."""

from __future__ import annotations

from tests.conftest import Api
from tests.integration.test_web_appeals import seen, withdrawn
from tests.integration.test_web_pages import _signed_in


def test_a_protectee_reads_only_their_own_copy_of_each_notice(api: Api) -> None:
    decision = withdrawn(api)
    _signed_in(api, "farooq")
    page = api.client.get("/protectees/farooq-sattar").text
    assert page.count('class="hz-card notice') == 1
    assert "as liaison" not in page
    _signed_in(api, "mqm-liaison")
    page = api.client.get("/protectees/farooq-sattar").text
    assert page.count('class="hz-card notice') == 1 and "as protectee" not in page
    _signed_in(api, "auditor")
    page = seen(api.client.get("/protectees/farooq-sattar").text)
    assert "to MQM-P security liaison, as liaison" in page
    assert "to Farooq Sattar, as protectee" in page
    assert decision not in page  # ids are not shown; the change is said in words


def test_cover_now_and_what_is_about_to_change_in_words(api: Api) -> None:
    withdrawn(api)
    _signed_in(api, "farooq")
    page = api.client.get("/protectees/farooq-sattar").text
    read = seen(page)
    assert "govuk-warning-text" in page
    assert (
        "Sindh Police — Special Security Unit will withdraw cover from Farooq Sattar on 30 Jan 2026"
        in read
    )
    assert "Nominal active positional 2 0" in read  # by name, the state in words
    assert "sindh-police" not in read and "nominal →" not in read and "T10:00" not in read
    assert "hifazat " not in read  # no command line
    assert "{# cover chart #}" not in page


def test_the_protectee_page_in_urdu(api: Api) -> None:
    _signed_in(api, "farooq")
    api.client.cookies.set("hifazat_lang", "ur")
    page = api.client.get("/protectees/farooq-sattar").text
    assert '<html lang="ur" dir="rtl"' in page
    assert "موجودہ سیکیورٹی" in page  # "Cover now"


def test_cover_at_a_past_time_is_typed_day_first_and_a_mistake_sits_at_its_field(
    api: Api,
) -> None:
    _signed_in(api, "farooq")
    then = api.client.get("/protectees/farooq-sattar?at=01/01/2024 12:00")
    assert then.status_code == 200 and "No cover in force." in then.text
    wrong = api.client.get("/protectees/farooq-sattar?at=last spring")
    assert wrong.status_code == 422 and 'id="at-error"' in wrong.text
    assert 'value="last spring"' in wrong.text
