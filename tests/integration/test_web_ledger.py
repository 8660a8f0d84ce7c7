"""The ledger page checks what `ledger verify` checks, the checkpoint kept beside the key too."""

from __future__ import annotations

from sqlalchemy import text

from tests.conftest import Api
from tests.integration.test_web_pages import _signed_in


def test_the_ledger_page_fails_when_the_database_lost_its_checkpoints(api: Api) -> None:
    assert api.reg.cli("ledger", "checkpoint").exit_code == 0
    _signed_in(api, "auditor")
    assert "The ledger verifies" in api.client.get("/ledger?check=1").text
    with api.reg.engine.begin() as c:
        c.execute(text("DELETE FROM ledger_checkpoints"))
    page = api.client.get("/ledger?check=1").text
    assert "The ledger does not verify" in page and "kept checkpoint" in page
