"""What the browser tests share: Debian's Chromium driven by Playwright, a real `hifazat serve`
on a demo registry, and signing in as a person would (the form, not a cookie forged beside it)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hifazat.domain.users import User
from hifazat.ledger.keys import create_key
from hifazat.services import auth, users
from hifazat.store.engine import make_engine
from tests.conftest import ROOT, FakeClock, Registry, missing
from tests.servers import free_port, start_server

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-output" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = os.environ.get("HIFAZAT_DEMO_PASSWORD", "correct horse battery staple")
PHONE = {"width": 360, "height": 800}
DESK = {"width": 1366, "height": 900}

#: Chromium without what a test has no use for (and what would reach outside the machine)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def need_chromium() -> None:
    if not CHROMIUM.exists():
        missing("Debian's chromium is not installed (/usr/bin/chromium): apt-get install chromium")


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium for as long as the block lasts."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def add_people(reg: Registry, *logins: str) -> None:
    """The registrar and Farooq Sattar's own login (the demo has neither), and a password for
    each of `logins`."""
    users.add_user(reg.uow(), User("registrar", "Registrar", frozenset({"admin"})), None, reg.clock)
    users.add_user(
        reg.uow(),
        User("farooq", "Farooq Sattar", frozenset({"protectee"}), "farooq-sattar"),
        "registrar",
        reg.clock,
    )
    for login in logins:
        auth.set_password(reg.uow(), login, PASSWORD, "registrar", reg.clock())


@contextmanager
def sqlite_demo(folder: Path, template: Path) -> Iterator[Registry]:
    """The Karachi demo on its own SQLite file, for a module's worth of browser tests (the
    `demo` fixture lasts one test)."""
    key = folder / "ledger.key"
    create_key(key)
    path = folder / "hifazat.db"
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    reg = Registry("sqlite", engine, url, FakeClock(), key)
    reg.load_demo()
    try:
        yield reg
    finally:
        engine.dispose()


@contextmanager
def serving(reg: Registry, **env: str) -> Iterator[str]:
    """`hifazat serve` on the registry; yields its base URL."""
    port = free_port()
    process = start_server(reg, port, HIFAZAT_SECURE_COOKIES="false", **env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in(context: Any, base: str, login: str) -> Any:
    """A page of `context` signed in as `login` through the sign-in form; it is left on the
    user's home page (a protectee's is their own page)."""
    page = context.new_page()
    page.goto(f"{base}/login")
    page.locator("#user").fill(login)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
