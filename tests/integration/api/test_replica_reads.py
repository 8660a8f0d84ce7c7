"""HIFAZAT_DATABASE_REPLICA_URL: the reads that may lag (the public report, the audits of the
past) go to the standby; the guard, the caller's credentials and every read of what a request
changed stay on the primary. The "standby" here is a database with the schema and nothing else,
so which database answered shows in the answer."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from hifazat.bootstrap import make_engine, upgrade
from hifazat.bootstrap.app import create_app
from hifazat.settings import ServerSettings
from tests.conftest import GENEROUS, Api

REPORT = "/api/v1/reports/transparency"


def _on_replica(api: Api, tmp_path: Path) -> TestClient:
    replica = f"sqlite:///{tmp_path / 'standby.db'}"
    upgrade(make_engine(replica))
    settings = ServerSettings(
        database_url=api.reg.url,
        database_replica_url=replica,
        ledger_key=api.reg.key_path,
        secure_cookies=False,
        public_rate=GENEROUS,
        report_rate=GENEROUS,
    )
    app = create_app(settings, api.reg.clock, engine=api.reg.engine, periodic=False)
    return TestClient(app)


def _read_on_the_standby(answer: object) -> bool:
    """The standby holds the schema alone: a report or an audit read there finds no policy."""
    status = getattr(answer, "status_code", None)
    body = answer.json() if status == 422 else {}  # type: ignore[attr-defined]
    return status == 422 and body["error"]["field"] == "policy"


def test_lagging_reads_go_to_the_replica_and_the_rest_to_the_primary(
    api: Api, tmp_path: Path
) -> None:
    assert api.client.get(REPORT).status_code == 200
    client = _on_replica(api, tmp_path)
    assert _read_on_the_standby(client.get(REPORT))

    bearer = {"Authorization": f"Bearer {api.tokens['committee']}"}
    # the token and the guard are the primary's (the standby knows no one: a 401 there), the
    # audit's figures the standby's
    for audit in ("/api/v1/audit/fairness", "/api/v1/audit/retaliation", "/api/v1/cost"):
        answer = client.get(audit, headers=bearer)
        assert _read_on_the_standby(answer), (audit, answer.status_code, answer.text)
        mine = api.call("GET", audit, "committee")
        assert mine.status_code == 200, (audit, mine.text)
    # what a desk reads of the present, and what a change answers, is the primary's
    status = client.get("/api/v1/protectees/farooq-sattar", headers=bearer)
    assert status.status_code == 200, status.text
    assert client.get("/api/v1/capacity", headers=bearer).status_code == 200
