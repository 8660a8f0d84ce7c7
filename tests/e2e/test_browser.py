"""End to end: a real server process, Debian's Chromium driven by Playwright. With
HIFAZAT_E2E_URL (and HIFAZAT_DEMO_PASSWORD) set, it runs against a `make demo` instead.

An operator is refused a reasonless withdrawal (R-REASON, inline at the field), proposes it with
a reason; the approver approves; the protectee signs in and reads the notice, with its reason and a
receipt; the protectee cannot open another protectee's page. Screenshots of each page are saved
under test-output/screenshots/."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Registry
from tests.e2e import browsing
from tests.e2e.browsing import PASSWORD, add_people, need_chromium, serving

REASON = "Sindh High Court ordered a review of provincial security details"


#: run the same test against a running `make demo`: its URL, and the password it printed
EXTERNAL = os.environ.get("HIFAZAT_E2E_URL")


@pytest.fixture
def server(demo: Registry) -> Iterator[str]:
    need_chromium()
    if EXTERNAL:
        yield EXTERNAL.rstrip("/")
        return
    add_people(demo, "ssu-operator", "ssu-chief", "farooq")
    with serving(demo, HIFAZAT_CHECKPOINT_SECONDS="1") as base:
        yield base


@pytest.fixture
def browser() -> Iterator[Any]:
    with browsing.chromium() as launched:
        yield launched


def _sign_in(browser: Any, base: str, user: str) -> Any:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.get_by_label("User").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def _shot(page: Any, name: str, backend: str) -> None:
    browsing.shot(page, f"{backend}-{name}")


def test_withdrawal_from_refusal_to_notice(demo: Registry, server: str, browser: Any) -> None:
    b = demo.backend
    operator = _sign_in(browser, server, "ssu-operator")
    _shot(operator, "01-dashboard-operator", b)
    operator.goto(f"{server}/decide")
    operator.get_by_label("Action").select_option("withdraw")
    operator.get_by_label("Protectee").select_option("farooq-sattar")
    operator.get_by_label("Provider").select_option("sindh-police")
    operator.get_by_role("button", name="Propose").click()
    error = operator.locator("#reason-error")
    assert "R-REASON" in error.inner_text()
    assert operator.get_by_label("Reason", exact=True).get_attribute("aria-invalid") == "true"
    _shot(operator, "02-decide-refused", b)

    operator.get_by_label("Reason code").select_option("court-order")
    operator.get_by_label("Reason", exact=True).fill(REASON)
    operator.get_by_role("button", name="Propose").click()
    operator.wait_for_url(f"{server}/protectees/farooq-sattar*")
    assert "Awaiting approval" in operator.content()
    _shot(operator, "03-proposed", b)

    approver = _sign_in(browser, server, "ssu-chief")
    assert REASON in approver.content()
    _shot(approver, "04-dashboard-approver", b)
    approver.get_by_role("link", name=re.compile(r"^Approve ")).first.click()
    # a reduction of cover is confirmed, with what it does said in full, before it is made
    approver.wait_for_url(f"{server}/decisions/*/approve")
    assert "takes cover away from Farooq Sattar" in approver.get_by_role("alert").inner_text()
    _shot(approver, "05-confirm-approval", b)
    approver.get_by_role("button", name="Yes, approve this change").click()
    approver.wait_for_url(f"{server}/protectees/farooq-sattar?approved=*")
    said = approver.locator(".govuk-notification-banner--success").inner_text()
    assert "Approved: Sindh Police — Special Security Unit's decision to withdraw" in said
    _shot(approver, "06-approved", b)

    protectee = _sign_in(browser, server, "farooq")
    protectee.goto(f"{server}/protectees/farooq-sattar")
    for _ in range(50):  # the server signs a checkpoint every second
        if protectee.get_by_role("link", name="Download the ledger receipt").count():
            break
        time.sleep(0.2)
        protectee.reload()
    notice = protectee.locator("article.notice").first
    assert REASON in notice.inner_text()
    assert protectee.get_by_role("link", name="Download the ledger receipt").count() >= 1
    _shot(protectee, "07-protectee-notice", b)

    response = protectee.goto(f"{server}/protectees/ali-khorshidi")
    assert response is not None and response.status == 403
    _shot(protectee, "08-other-protectee-403", b)
    for page in ("reviews", "capacity", "ledger", "appeals", "report"):
        operator.goto(f"{server}/{page}")
        _shot(operator, f"09-{page}", b)
