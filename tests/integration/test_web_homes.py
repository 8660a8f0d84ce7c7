"""Each role's home answers its first question (issue 13, item 3): what awaits them, by name."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROLE_USERS, Api
from tests.integration.test_web_pages import _signed_in

#: what each role's home must say first
FIRST = {
    "admin": "Users, channels and the policy",
    "operator": "Your proposals awaiting approval",
    "approver": "Awaiting your approval",
    "committee": "Appeals awaiting a ruling",
    "intelligence": "Threat assessments to renew",
    "auditor": "What to examine",
    "liaison": "People who named you their liaison",
}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_each_role_home_says_its_first_thing(api: Api, role: str) -> None:
    _signed_in(api, ROLE_USERS[role])
    home = api.client.get("/", follow_redirects=False)
    if role == "protectee":
        assert home.status_code == 303
        assert home.headers["location"] == "/protectees/farooq-sattar"
        return
    assert home.status_code == 200
    assert FIRST[role] in home.text
    assert not ISO.search(home.text)
    assert ROLE_USERS[role] not in home.text.replace(f'value="{ROLE_USERS[role]}"', "")
