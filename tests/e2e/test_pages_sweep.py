"""Every page, for every role, in both languages, as the browser shows it on a 360 px phone.

For each role × language: the home page, every link of the main menu, and — where the role can
reach them — a protectee's page, the confirmation before approving a waiting decision, the appeal
form, and the page that refuses them something. On each: the page answers (a menu link that
answers 403 or 404 offers what the role may not use), nothing is wider than the phone, axe-core
finds no serious or critical violation, the visible text holds no slug, login, UTC instant or
command line, and <html> carries the language and its direction. Every failure of one role and
language is gathered into one message, so one run tells the whole picture.

SQLite only: this checks what the browser shows, which the database behind the pages does not
change; the pages' data paths run on both databases in tests/integration/test_web_*.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from hifazat.cli import app as cli_app
from tests.conftest import GENEROUS, ROLE_USERS, Registry
from tests.e2e.browsing import (
    AXE,
    DESK,
    PHONE,
    add_people,
    chromium,
    need_chromium,
    serving,
    shot,
    sign_in,
    sqlite_demo,
)

LANGUAGES = ("en", "ur")
#: a ground report with no space in it, as pasted from a phone: it must wrap, not widen the page
UNBROKEN = "x" * 3990

#: times shown raw: an ISO instant as stored (2024-09-08T13:00:00Z), rather than in the zone
ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
#: a command line offered to a person: `hifazat appeal lodge ...`
SUBCOMMANDS = sorted(typer.main.get_command(cli_app).commands)  # type: ignore[attr-defined]
COMMAND = re.compile(rf"\bhifazat\s+(?:{'|'.join(SUBCOMMANDS)})\b")

#: where the main menu is: the navigation landmark of the page's header
MENU_LINKS = "header nav[aria-label] a[href], .govuk-service-navigation nav[aria-label] a[href]"

#: what reaches furthest past the viewport (its box, or content spilling out of it), to say what
#: overflows: of equals, the innermost
WIDEST = """() => {
  const vw = document.documentElement.clientWidth;
  let worst = null, reach = vw;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    const spills = getComputedStyle(el).overflowX === 'visible' ? el.scrollWidth : r.width;
    const out = Math.max(r.right, r.left + spills, vw - r.left);
    if (out >= reach && out > vw + 1) { worst = el; reach = out; }
  }
  if (!worst) return 'no element';
  const name = worst.tagName.toLowerCase() + (worst.id ? '#' + worst.id : '') +
    [...worst.classList].map(c => '.' + c).join('');
  return `${name} reaching ${Math.round(reach)} px: ${(worst.innerText || '').slice(0, 60)}`;
}"""

AXE_RUN = """async () => {
  const found = await axe.run(document, {resultTypes: ['violations']});
  return found.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}) at ` +
      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


def forbidden_ids(reg: Registry) -> list[str]:
    """The ids of protectees, providers and users that must never be shown.

    Only the compound ones (with a hyphen: khalid-maqbool-siddiqui, sindh-police, ssu-chief)
    are looked for: a one-word id (auditor, registrar, farooq) is also an ordinary word or part
    of a name, and its presence in a sentence says nothing about whether an id leaked."""
    with reg.uow().reading() as uow:
        ids = [
            *uow.repo.protectees(),
            *uow.repo.providers(),
            *uow.repo.users(),
        ]
    return sorted({i for i in ids if "-" in i})


class Sweep:
    """The server, the browser and what the scenario left for the pages to show."""

    def __init__(self, base: str, browser: Any, slugs: list[str], waiting: str, approved: str):
        self.base, self.browser, self.slugs = base, browser, slugs
        self.waiting, self.approved = waiting, approved


def _decide(reg: Registry, *args: str) -> str:
    done = reg.cli("decide", *args, "--json")
    assert done.exit_code == 0, done.output
    return str(json.loads(done.output)["decision"])


def _ok(reg: Registry, *args: str) -> None:
    done = reg.cli(*args)
    assert done.exit_code == 0, done.output


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Sweep]:
    need_chromium()
    with sqlite_demo(tmp_path_factory.mktemp("sweep"), sqlite_template) as reg:
        add_people(reg, *ROLE_USERS.values())
        withdraw = ("--provider", "sindh-police", "--by", "ssu-operator", "--reason-code")
        # a withdrawal approved (a notice to Farooq Sattar, appealed) and one awaiting approval
        approved = _decide(
            reg, "withdraw", "--protectee", "farooq-sattar", *withdraw, "court-order",
            "--reason", "Sindh High Court ordered a review of provincial security details",
        )  # fmt: skip
        _ok(reg, "approve", approved, "--by", "ssu-chief")
        grounds = "The threats against me continue this month"
        _ok(reg, "appeal", "lodge", approved, "--by", "farooq", "--grounds", grounds)
        waiting = _decide(
            reg, "withdraw", "--protectee", "anis-kaimkhani", *withdraw, "court-order",
            "--reason", "Sindh High Court ordered a review of provincial security details",
        )  # fmt: skip
        _ok(
            reg, "report", "discrepancy", "--protectee", "farooq-sattar", "--provider",
            "sindh-police", "--by", "mqm-liaison", "--observed", "2026-01-27T09:00:00+05:00",
            "--text", UNBROKEN,
        )  # fmt: skip
        slugs = forbidden_ids(reg)
        # the sweep signs in far faster than people do: the limits have their own tests
        limits = {
            f"HIFAZAT_{k}_RATE": GENEROUS for k in ("LOGIN", "LOGIN_USER", "REPORT", "PUBLIC")
        }
        with serving(reg, **limits) as base, chromium() as browser:
            yield Sweep(base, browser, slugs, waiting, approved)


def _check(
    page: Any, sweep: Sweep, lang: str, where: str, failures: list[str], checked: list[str]
) -> None:
    """Checks b–e on the page as it stands; each failure appended as `where: check: detail`."""
    checked.append(where)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        failures.append(f"{where}: overflow: {width} px wide; widest {page.evaluate(WIDEST)}")
    for violation in page.evaluate(AXE_RUN):
        failures.append(f"{where}: axe: {violation}")
    text = page.evaluate("document.body.innerText")
    for slug in sweep.slugs:
        if re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", text):
            failures.append(f"{where}: raw id: {slug!r} is shown")
    for pattern, what in ((ISO_INSTANT, "UTC instant"), (COMMAND, "command line")):
        for found in sorted(set(pattern.findall(text)))[:3]:
            failures.append(f"{where}: {what}: {found!r} is shown")
    html = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    wanted = [lang, "rtl" if lang == "ur" else "ltr"]
    if html != wanted:
        failures.append(f"{where}: lang/dir: <html> has {html}, not {wanted}")


def _visit(page: Any, sweep: Sweep, path: str) -> int:
    response = page.goto(f"{sweep.base}{path}")
    assert response is not None
    return int(response.status)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_every_page_fits_a_phone_reads_in_the_language_and_passes_axe(
    sweep: Sweep, role: str, lang: str
) -> None:
    login = ROLE_USERS[role]
    # axe-core is injected into every page, inline, which the pages' Content-Security-Policy
    # rightly refuses; the policy is kept by test_the_menu_works_by_keyboard_on_a_phone
    context = sweep.browser.new_context(viewport=PHONE, bypass_csp=True)
    context.add_init_script(path=str(AXE))
    failures: list[str] = []
    checked: list[str] = []
    try:
        page = sign_in(context, sweep.base, login)
        # the switch in the header, as a reader would use it; it brings them back home (a
        # protectee's home is their own page)
        page.goto(f"{sweep.base}/language/{lang}?next=/")
        assert page.url == f"{sweep.base}/" or "/protectees/" in page.url, page.url
        for viewport in (DESK, PHONE):
            page.set_viewport_size(viewport)
            shot(page, f"home-{role}-{lang}-{viewport['width']}")
        menu = page.eval_on_selector_all(MENU_LINKS, "as => as.map(a => a.getAttribute('href'))")
        if len(menu) < 2:
            failures.append(f"/: menu: {len(menu)} links in the main menu ({MENU_LINKS})")
        _check(page, sweep, lang, "/ (home)", failures, checked)
        for path in dict.fromkeys(m for m in menu if m != "/"):
            status = _visit(page, sweep, path)
            if status != 200:
                failures.append(f"{path}: menu link: answers {status}")
                continue
            _check(page, sweep, lang, path, failures, checked)
        # pages reached from others: checked where the role may open them
        for path in (
            "/protectees/farooq-sattar",
            f"/decisions/{sweep.waiting}/approve",
            f"/appeals?decision={sweep.approved}",
        ):
            if _visit(page, sweep, path) == 200:
                _check(page, sweep, lang, path, failures, checked)
        # a refusal is a page too: it keeps the reader signed in, in their language
        for path in ("/protectees/ali-khorshidi", "/ledger", "/decide", "/capacity"):
            if context.request.get(f"{sweep.base}{path}").status == 403:
                _visit(page, sweep, path)
                _check(page, sweep, lang, f"{path} (403)", failures, checked)
                if page.locator("form[action='/logout'] button").count() != 1:
                    failures.append(f"{path} (403): signed in: no sign-out button")
                if page.locator("main a[href='/']").count() == 0:
                    failures.append(f"{path} (403): what they can do: no way home from <main>")
                break
    finally:
        context.close()
    assert failures == [], (
        f"{role} ({login}), {lang}: {len(failures)} failures on {len(checked)} pages"
        f" ({', '.join(checked)})\n" + "\n".join(failures)
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pages_before_signing_in_fit_a_phone_and_pass_axe(sweep: Sweep, lang: str) -> None:
    """The sign-in form (and its refusal), the menu's links and a page that is not there, for a
    reader not signed in, in the language their browser asks for."""
    context = sweep.browser.new_context(viewport=PHONE, bypass_csp=True, locale=lang)
    context.set_extra_http_headers({"Accept-Language": lang})
    context.add_init_script(path=str(AXE))
    failures: list[str] = []
    checked: list[str] = []
    try:
        page = context.new_page()
        if _visit(page, sweep, "/login") != 200:
            failures.append("/login: answers not 200")
        _check(page, sweep, lang, "/login", failures, checked)
        menu = page.eval_on_selector_all(MENU_LINKS, "as => as.map(a => a.getAttribute('href'))")
        page.locator("#user").fill("nobody")
        page.locator("#password").fill("not the password")
        page.locator("form[action='/login'] button[type=submit]").click()
        page.wait_for_load_state()
        if page.locator(".govuk-error-summary a[href='#user']").count() != 1:
            failures.append("/login (refused): no error summary linking to the field")
        _check(page, sweep, lang, "/login (refused)", failures, checked)
        for path in menu:
            if (status := _visit(page, sweep, path)) != 200:
                failures.append(f"{path}: menu link: answers {status}")
                continue
            _check(page, sweep, lang, path, failures, checked)
        if _visit(page, sweep, "/no-such-page") != 404:
            failures.append("/no-such-page: answers not 404")
        _check(page, sweep, lang, "/no-such-page (404)", failures, checked)
    finally:
        context.close()
    assert failures == [], (
        f"not signed in, {lang}: {len(failures)} failures on {len(checked)} pages"
        f" ({', '.join(checked)})\n" + "\n".join(failures)
    )


def test_the_checks_can_fail(sweep: Sweep) -> None:
    """The sweep is only worth its silence if each check speaks up: a page spoilt on purpose (a
    wide table, an image with no text, a slug, a raw instant, a command, the wrong direction)
    fails every check, each saying where and what."""
    context = sweep.browser.new_context(viewport=PHONE, bypass_csp=True)
    context.add_init_script(path=str(AXE))
    failures: list[str] = []
    try:
        page = context.new_page()
        _visit(page, sweep, "/login")
        page.evaluate(
            """() => {
              document.documentElement.dir = 'rtl';
              document.querySelector('main').insertAdjacentHTML('beforeend',
                '<div id="too-wide" style="width:900px">sindh-police at 2026-01-27T08:00:00Z:' +
                ' run hifazat appeal lodge</div><img src="/static/build/images/favicon.svg">');
            }"""
        )
        _check(page, sweep, "en", "spoilt", failures, [])
    finally:
        context.close()
    said = "\n".join(failures)
    for expected in (
        "spoilt: overflow: ",
        "div#too-wide",
        "spoilt: axe: image-alt (critical)",
        "spoilt: raw id: 'sindh-police'",
        "spoilt: UTC instant: '2026-01-27T08:00'",
        "spoilt: command line: 'hifazat appeal'",
        "spoilt: lang/dir: <html> has ['en', 'rtl']",
    ):
        assert expected in said, f"{expected!r} not reported; reported:\n{said}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_menu_works_by_keyboard_on_a_phone(sweep: Sweep, lang: str) -> None:
    """Under the pages' own Content-Security-Policy (scripts from the site only), GOV.UK's menu
    toggle works: on a phone the menu folds behind a button that the keyboard alone opens, and
    the skip link leads past it all to the page's content."""
    context = sweep.browser.new_context(viewport=PHONE)
    refused: list[str] = []
    try:
        page = sign_in(context, sweep.base, ROLE_USERS["operator"])
        page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
        page.goto(f"{sweep.base}/language/{lang}?next=/")
        menu = page.locator("#navigation")
        toggle = page.locator(".govuk-service-navigation__toggle")
        assert toggle.is_visible() and not menu.is_visible(), "the menu is not folded on a phone"
        page.keyboard.press("Tab")
        skip = page.evaluate("document.activeElement.getAttribute('href')")
        assert skip == "#main-content", f"the first Tab lands on {skip}, not the skip link"
        for _ in range(12):  # the header's few links, then the menu button
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('.govuk-service-navigation__toggle')"):
                break
        else:
            raise AssertionError("the menu button cannot be reached with Tab")
        page.keyboard.press("Enter")
        assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Tab")
        first = page.evaluate("document.activeElement.getAttribute('href')")
        assert first == "/", f"after the menu button, Tab reaches {first}, not the first link"
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        assert not menu.is_visible(), "the menu button does not fold the menu again"
        # the skip link takes the focus to the content, past the header and the menu
        page.keyboard.press("Shift+Tab")
        page.goto(f"{sweep.base}/protectees")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main-content"
    finally:
        context.close()
    assert refused == [], refused
