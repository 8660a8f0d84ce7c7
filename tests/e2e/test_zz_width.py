from typing import Any
from hifazat.services import auth
from tests.conftest import Registry
from tests.e2e.test_browser import PASSWORD, browser, server  # noqa: F401


def _in(browser: Any, server: str, demo: Registry, user: str, lang: str) -> Any:
    auth.set_password(demo.uow(), user, PASSWORD, "registrar", demo.clock())
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    page.goto(f"{server}/login")
    page.get_by_label("User").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{server}/language/{lang}?next=/")
    return page


def _w(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_width(demo: Registry, server: str, browser: Any) -> None:  # noqa: F811
    bad = []
    for lang in ("en", "ur"):
        op = _in(browser, server, demo, "ssu-operator", lang)
        op.goto(f"{server}/decide")
        op.select_option("#protectee", "farooq-sattar")
        op.select_option("#action", "withdraw")
        op.fill("#effective_at", "28/01/2026 10:00")
        op.locator("button[type=submit].govuk-button").click()
        op.wait_for_load_state()
        op.screenshot(path=f"/tmp/homes/decide-{lang}.png", full_page=True)
        bad.append(("decide", lang, _w(op)))
        op.select_option("#reason_code", "court-order")
        op.fill("#reason", "A court ordered a review of the detail")
        op.fill("#effective_at", "")
        op.locator("button[type=submit].govuk-button").click()
        op.wait_for_load_state()
        ap = _in(browser, server, demo, "ssu-chief", lang)
        bad.append(("home", lang, _w(ap)))
        ap.screenshot(path=f"/tmp/homes/approver-{lang}.png", full_page=True)
        ap.locator("a[href$='/approve']").first.click()
        ap.wait_for_load_state()
        bad.append(("approve", lang, _w(ap)))
        ap.screenshot(path=f"/tmp/homes/approve-{lang}.png", full_page=True)
        ap.goto(f"{server}/reviews")
        ap.locator("form.hz-confirm button").first.click()
        ap.wait_for_load_state()
        bad.append(("reviews-error", lang, _w(ap)))
        ap.screenshot(path=f"/tmp/homes/reviews-{lang}.png", full_page=True)
    print(bad)
    assert all(w <= 360 for _, _, w in bad)
