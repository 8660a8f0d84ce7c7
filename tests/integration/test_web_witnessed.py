"""The protectee's page says whether their receipt was witnessed, and the ledger page shows the
cosigned checkpoint (issue 17): a witness in this process, asked through the registry's own
gathering, its answers over the witness's HTTP interface."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from hifazat.ledger.cosignature import Cosigner
from hifazat.ledger.note import Verifier
from hifazat.services import witnessing
from hifazat.witness.app import create_witness_app
from hifazat.witness.state import open_state
from tests.conftest import Api
from tests.integration.test_web_appeals import seen, withdrawn
from tests.integration.test_web_pages import _signed_in
from tests.integration.test_witness import _witnessed_policy


def test_the_protectee_reads_whether_their_receipt_was_witnessed(api: Api, tmp_path: Path) -> None:
    witness = Cosigner.generate("witness.example/w1")
    _witnessed_policy(api.reg, tmp_path, [witness.public().text()], 1)
    withdrawn(api)
    assert api.reg.cli("ledger", "checkpoint").exit_code == 0
    _signed_in(api, "farooq")
    page = seen(api.client.get("/protectees/farooq-sattar").text)
    assert "Not yet witnessed: cosigned by 0 of the 1 witnesses the policy requires" in page

    log = Verifier.parse(api.reg.cli("ledger", "public-key").stdout.strip())
    app = create_witness_app(open_state(tmp_path / "w.db"), witness, {log.name: [log]})
    client = TestClient(app)

    def post(url: str, body: str) -> tuple[int, str, str]:
        answer = client.post("/add-checkpoint", content=body.encode())
        return answer.status_code, answer.headers.get("content-type", ""), answer.text

    asked = witnessing.gather(
        api.reg.uow(), [witnessing.Witness(witness.public(), "http://w")], post, api.reg.clock()
    )
    assert [a.outcome for a in asked] == ["cosigned"]
    page = seen(api.client.get("/protectees/farooq-sattar").text)
    assert "witnessed" in page
    assert "Cosigned by 1 of the 1 witnesses the policy requires" in page
    _signed_in(api, "auditor")
    ledger = seen(api.client.get("/ledger").text)
    assert "Cosigned by 1 of the witnesses; the policy requires 1. (witness.example/w1)" in ledger
    assert witness.public().text() in ledger
