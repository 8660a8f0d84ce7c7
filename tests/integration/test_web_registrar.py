"""The registrar's page: users by name with their roles in words, the channels without their
secrets, the policy in force; for the registrar and auditors only."""

from __future__ import annotations

import pytest

from hifazat.store import outbox_store
from tests.conftest import ROLE_USERS, Api
from tests.integration.test_web_pages import _signed_in

READERS = {"admin", "auditor"}
HOOK = "https://relay:hunter2@hooks.example.org/notify/s3cret-path?token=abc123"


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_the_registry_page_is_for_the_registrar_and_auditors(api: Api, role: str) -> None:
    _signed_in(api, ROLE_USERS[role])
    page = api.client.get("/registry")
    assert page.status_code == (200 if role in READERS else 403)
    menu_offers = 'href="/registry"' in api.client.get("/").text
    assert menu_offers == (role in READERS)


def test_users_roles_channels_and_policy_are_shown_in_words_without_secrets(api: Api) -> None:
    with api.reg.uow() as uow:
        made = outbox_store.add_channel(
            uow.connection, "mqm-liaison", "user", "webhook", HOOK, api.reg.clock()
        )
        outbox_store.add_channel(
            uow.connection, "ssu-chief", "user", "email", "chief@ssu.example", api.reg.clock()
        )
        uow.commit()
    _signed_in(api, "registrar")
    page = api.client.get("/registry").text
    assert "SSP Special Security Unit" in page
    assert "approver for <bdi>Sindh Police — Special Security Unit</bdi>" in page
    assert "protectee: <bdi>Farooq Sattar</bdi>" in page
    assert "https://hooks.example.org/…" in page and "chief@ssu.example" in page
    assert made.secret is not None
    for secret in (made.secret, "hunter2", "s3cret-path", "abc123", "relay"):
        assert secret not in page
    assert "Sindh — protective security policy (illustrative)" in page
    assert "Asia/Karachi" in page and "A court ordered the change" in page
    assert "3 days" in page  # the notice period, in words
    assert ">ssu-chief<" not in page and ">ssu-operator<" not in page
