"""The Karachi story in the browser, in English and in Urdu, on a desktop (1366 px) and a phone
(360 px): the liaison files a ground report from a phone with the time left empty; the chief
approves a withdrawal after its confirmation; the protectee reads his notice, appeals from it
and sees the confirmation; the committee rules with its reasons; the protectee reads the ruling.

One server for the module (SQLite); each run of the story is about another protectee, so the
four runs share it. Labels are found through the catalog, as a reader of that language sees
them. A screenshot of each step: test-output/screenshots/story-{lang}-{width}-NN-step.png."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hifazat.domain.users import User
from hifazat.i18n import translator
from hifazat.ledger.keys import create_key
from hifazat.services import auth, users
from hifazat.store.engine import make_engine
from tests.conftest import GENEROUS, ROOT, FakeClock, Registry, missing
from tests.servers import free_port, start_server

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "correct horse battery staple"
REASON = "Sindh High Court ordered a review of provincial security details"
SAW = "No guard at the gate since the morning; the mobile unit has gone"
GROUNDS = "The threat against me has not changed since the detail was granted"
RULING = "The court asked for a review, not a withdrawal: the detail stays in place"
#: each run of the story is about its own protectee (with their own login)
RUNS = {
    ("en", 1366): ("farooq-sattar", "farooq", "Farooq Sattar"),
    ("en", 360): ("anis-kaimkhani", "anis", "Anis Kaimkhani"),
    ("ur", 1366): ("ali-khorshidi", "ali", "Ali Khorshidi"),
    ("ur", 360): ("mustafa-kamal", "mustafa", "Mustafa Kamal"),
}
#: the keyboard's run: a protectee of its own, so it does not depend on the other runs
KEYBOARD = ("khalid-maqbool-siddiqui", "khalid", "Khalid Maqbool Siddiqui")
#: the approval page's button: the confirmation page's (once it lands), or the one before it
APPROVE_BUTTON = ("Yes, approve this change", "Approve the withdraw")


class Story:
    """The shared server and what each run needs of it."""

    def __init__(self, reg: Registry, base: str) -> None:
        self.reg, self.base = reg, base

    def propose(self, browser: Any, pid: str) -> str:
        """The desk's proposal, made on the decision form as the desk makes it (the chief's
        approval of it is the story's step); returns the decision's id."""
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(f"{self.base}/login")
        page.locator("#user").fill("ssu-operator")
        page.locator("#password").fill(PASSWORD)
        page.locator("form[action='/login'] button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"{self.base}/decide")
        page.locator("select[name=protectee]").select_option(pid)
        page.locator("select[name=action]").select_option("withdraw")
        page.locator("select[name=provider]").select_option("sindh-police")
        page.locator("select[name=reason_code]").select_option("court-order")
        page.locator("textarea[name=reason]").fill(REASON)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        found = re.search(r"[?&]proposed=([^&]+)", page.url)
        assert found is not None, page.url
        context.close()
        return found.group(1)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Story]:
    if not CHROMIUM.exists():
        missing("Debian's chromium is not installed (/usr/bin/chromium)")
    folder = tmp_path_factory.mktemp("story")
    path = folder / "hifazat.db"
    shutil.copy(sqlite_template, path)
    key = folder / "ledger.key"
    create_key(key)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    reg = Registry("sqlite", engine, url, FakeClock(), key)
    reg.load_demo()
    users.add_user(reg.uow(), User("registrar", "Registrar", frozenset({"admin"})), None, reg.clock)
    logins = ["mqm-liaison", "ssu-operator", "ssu-chief", "ptac-chair"]
    for pid, login, name in [*RUNS.values(), KEYBOARD]:
        users.add_user(
            reg.uow(), User(login, name, frozenset({"protectee"}), pid), "registrar", reg.clock
        )
        logins.append(login)
    for login in logins:
        auth.set_password(reg.uow(), login, PASSWORD, "registrar", reg.clock())
    port = free_port()
    # the story signs in far faster than people do: the limits have their own tests
    process = start_server(
        reg,
        port,
        HIFAZAT_SECURE_COOKIES="false",
        HIFAZAT_LOGIN_RATE=GENEROUS,
        HIFAZAT_LOGIN_USER_RATE=GENEROUS,
        HIFAZAT_REPORT_RATE=GENEROUS,
    )
    try:
        yield Story(reg, f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=10)
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing("Debian's chromium is not installed (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"],
        )  # fmt: skip
        yield launched
        launched.close()


class Run:
    """One reading of the story: its language, its width, its screenshots in order."""

    def __init__(self, story: Story, browser: Any, lang: str, width: int) -> None:
        self.story, self.browser, self.lang, self.width = story, browser, lang, width
        self.t = translator(lang).gettext
        self.step = 0

    def sign_in(self, user: str, width: int | None = None) -> Any:
        size = {"width": width or self.width, "height": 900}
        # bypass_csp: only so that axe-core can be injected into the page to check it
        context = self.browser.new_context(viewport=size, bypass_csp=True)
        context.add_cookies([{"name": "hifazat_lang", "value": self.lang, "url": self.story.base}])
        page = context.new_page()
        page.goto(f"{self.story.base}/login")
        page.get_by_label(self.t("User")).fill(user)
        page.get_by_label(self.t("Password")).fill(PASSWORD)
        page.locator("main").get_by_role("button", name=self.t("Sign in")).click()
        page.wait_for_load_state()
        assert "/login" not in page.url
        return page

    def shot(self, page: Any, name: str) -> None:
        self.step += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        file = f"story-{self.lang}-{self.width}-{self.step:02d}-{name}.png"
        page.screenshot(path=str(SHOTS / file), full_page=True)

    def fits(self, page: Any) -> None:
        """Nothing wider than the viewport (a phone's 360 px)."""
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= page.viewport_size["width"], (page.url, wide)

    def accessible(self, page: Any) -> None:
        """axe-core finds nothing serious or critical on the page."""
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("async () => (await axe.run(document)).violations")
        bad = [(v["id"], v["impact"], len(v["nodes"])) for v in found
               if v["impact"] in ("serious", "critical")]  # fmt: skip
        assert not bad, (page.url, bad)

    def said(self, page: Any, lang: str | None = None) -> None:
        assert page.locator("html").get_attribute("lang") == (lang or self.lang)
        assert page.locator("html").get_attribute("dir") == ("rtl" if self.lang == "ur" else "ltr")


@pytest.mark.parametrize("width", [1366, 360])
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_karachi_story(story: Story, browser: Any, lang: str, width: int) -> None:
    run = Run(story, browser, lang, width)
    t = run.t
    pid, login, name = RUNS[(lang, width)]
    base = story.base

    # the liaison, on a phone, reports what he saw with the time left empty (now)
    liaison = run.sign_in("mqm-liaison", width=360)
    liaison.goto(f"{base}/report")
    run.said(liaison)
    liaison.get_by_label(t("Protectee")).select_option(pid)
    liaison.get_by_label(t("Provider")).select_option("sindh-police")
    assert liaison.get_by_label(t("Seen at")).input_value() == ""
    liaison.get_by_label(t("What you saw")).fill(SAW)
    run.shot(liaison, "liaison-report")
    liaison.get_by_role("button", name=t("File the report")).click()
    assert t("Your report has been filed") in liaison.locator("main").inner_text()
    run.fits(liaison)
    run.accessible(liaison)
    run.shot(liaison, "liaison-report-filed")
    liaison.context.close()

    # the chief approves the desk's withdrawal, after its confirmation page
    decision = story.propose(browser, pid)
    chief = run.sign_in("ssu-chief")
    chief.goto(
        f"{base}/"
    )  # the chief's home lists what awaits him; its link opens the confirmation
    chief.locator(f'main a[href="/decisions/{decision}/approve"]').click()
    chief.wait_for_url(re.compile(rf"/decisions/{decision}/approve"))
    run.shot(chief, "chief-confirm")
    button = chief.locator("main form").get_by_role(
        "button", name=re.compile("|".join(re.escape(t(b)) for b in APPROVE_BUTTON))
    )
    button.click()
    chief.wait_for_url(re.compile(rf"/protectees/{pid}\?approved="))
    run.shot(chief, "chief-approved")
    chief.context.close()

    # the protectee reads his notice and appeals from it
    protectee = run.sign_in(login)
    protectee.goto(f"{base}/protectees/{pid}")
    run.said(protectee)
    notice = protectee.locator("article.notice").first
    assert REASON in notice.inner_text()
    if width == 360:
        run.fits(protectee)
    run.accessible(protectee)
    run.shot(protectee, "protectee-notice")
    notice.get_by_role("link", name=t("Appeal this decision")).click()
    protectee.wait_for_url(re.compile(rf"/appeals/new\?decision={decision}"))
    run.accessible(protectee)
    protectee.get_by_label(t("Your grounds for appeal")).fill(GROUNDS)
    run.shot(protectee, "protectee-appeal-form")
    protectee.get_by_role("button", name=t("Lodge the appeal")).click()
    assert t("Your appeal has been lodged") in protectee.locator("main").inner_text()
    run.accessible(protectee)
    run.shot(protectee, "protectee-appeal-lodged")

    # the committee rules, with its reasons
    chair = run.sign_in("ptac-chair")
    chair.goto(f"{base}/appeals")
    run.accessible(chair)
    card = chair.locator("article.notice").filter(has_text=GROUNDS).filter(has_text=name)
    card.get_by_label(t("Outcome")).select_option("overturned")
    card.get_by_label(t("The committee's reasons")).fill(RULING)
    run.shot(chair, "committee-rules")
    card.get_by_role("button", name=t("Rule on the appeal")).click()
    assert t("The ruling is recorded") in chair.locator("main").inner_text()
    run.shot(chair, "committee-ruled")
    chair.context.close()

    # the protectee reads the ruling and its reasons, with no invitation to appeal again
    protectee.goto(f"{base}/protectees/{pid}")
    ruling = protectee.locator("article.notice").first
    text = ruling.inner_text()
    assert RULING in text and t("The committee's reasons") in text
    assert protectee.get_by_role("link", name=t("Appeal this decision")).count() == 0
    run.accessible(protectee)
    if width == 360:
        run.fits(protectee)
    run.shot(protectee, "protectee-ruling")
    protectee.context.close()


def _tab_to(page: Any, selector: str, presses: int = 200) -> None:
    """Tab, as a keyboard user does, until the element `selector` names has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} is never reached with the Tab key on {page.url}")


def test_the_story_by_keyboard_alone(story: Story, browser: Any) -> None:
    """The chief approves, the protectee appeals from his notice and the committee rules, each
    with the keyboard alone: Tab to reach, Enter to follow or submit, typing to fill."""
    run = Run(story, browser, "en", 1366)
    pid, login, name = KEYBOARD
    base = story.base
    decision = story.propose(browser, pid)

    chief = run.sign_in("ssu-chief")
    chief.goto(f"{base}/")
    _tab_to(chief, f'a[href="/decisions/{decision}/approve"]')
    chief.keyboard.press("Enter")
    chief.wait_for_url(re.compile(rf"/decisions/{decision}/approve"))
    _tab_to(chief, "main form button[type=submit]")
    chief.keyboard.press("Enter")
    chief.wait_for_url(re.compile(rf"/protectees/{pid}\?approved="))
    chief.context.close()

    protectee = run.sign_in(login)
    protectee.goto(f"{base}/protectees/{pid}")
    _tab_to(protectee, f'a[href="/appeals/new?decision={decision}"]')
    protectee.keyboard.press("Enter")
    protectee.wait_for_url(re.compile(rf"/appeals/new\?decision={decision}"))
    _tab_to(protectee, "textarea#grounds")
    protectee.keyboard.type(GROUNDS)
    _tab_to(protectee, "main form button[type=submit]")
    with protectee.expect_navigation():
        protectee.keyboard.press("Enter")
    assert run.t("Your appeal has been lodged") in protectee.locator("main").inner_text()

    chair = run.sign_in("ptac-chair")
    chair.goto(f"{base}/appeals")
    card = chair.locator("article.notice").filter(has_text=GROUNDS).filter(has_text=name).first
    appeal = card.locator("select").get_attribute("id")
    assert appeal is not None
    _tab_to(chair, f"select#{appeal}")
    chair.keyboard.press("ArrowDown")  # from "Upheld" to "Overturned"
    assert chair.locator(f"select#{appeal}").input_value() == "overturned"
    _tab_to(chair, f"textarea#{appeal.replace('outcome-', 'reason-')}")
    chair.keyboard.type(RULING)
    _tab_to(chair, f"form:has(select#{appeal}) button[type=submit]")
    with chair.expect_navigation():
        chair.keyboard.press("Enter")
    assert run.t("The ruling is recorded") in chair.locator("main").inner_text()
    chair.context.close()

    protectee.goto(f"{base}/protectees/{pid}")
    assert RULING in protectee.locator("article.notice").first.inner_text()
    protectee.context.close()
