"""Navigation offers each role only what it may use: every link of the menu answers 200 for
every role; and a refusal keeps the user signed in, with the menu of what they may do."""

from __future__ import annotations

import re

import pytest

from hifazat.domain.users import User
from hifazat.services import users
from tests.conftest import ROLE_USERS, Api
from tests.integration.test_web_pages import _signed_in

MENU = re.compile(r'<nav[^>]*aria-label="Main"[^>]*>(.*?)</nav>', re.S)


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_every_menu_link_answers_for_the_role(api: Api, role: str) -> None:
    _signed_in(api, ROLE_USERS[role])
    home = api.client.get("/")
    assert home.status_code == 200
    menu = MENU.search(home.text)
    assert menu is not None
    links = re.findall(r'href="(/[^"]*)"', menu.group(1))
    assert len(links) >= 3
    broken = [(link, api.client.get(link).status_code) for link in links]
    assert [b for b in broken if b[1] != 200] == []


def test_a_refusal_keeps_the_user_signed_in(api: Api) -> None:
    users.add_user(
        api.reg.uow(),
        User("ppp-liaison", "PPP security liaison", frozenset({"liaison"})),
        "registrar",
        api.reg.clock,
    )
    _signed_in(api, "ppp-liaison")
    refused = api.client.get("/capacity")
    assert refused.status_code == 403
    assert "Sign out" in refused.text and 'href="/login"' not in refused.text
    assert 'href="/capacity"' not in refused.text  # the menu offers only what they may use
