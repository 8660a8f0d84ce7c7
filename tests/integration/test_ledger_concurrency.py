"""Eight writers at once: sequence numbers stay dense and the tree still verifies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from hifazat.ledger.keys import load_signer
from hifazat.services import ledger, registry_entries
from hifazat.store.ledger_check import verify
from tests.conftest import Registry
from tests.threads import together

WRITERS = 8
EACH = 6
PEOPLE = [
    "khalid-maqbool-siddiqui",
    "mustafa-kamal",
    "farooq-sattar",
    "anis-kaimkhani",
    "ali-khorshidi",
]


def test_concurrent_writers_keep_the_sequence_gap_free(demo: Registry) -> None:
    with demo.engine.connect() as c:
        before = c.execute(text("SELECT size FROM ledger_head")).scalar_one()

    def writer(n: int) -> None:
        for i in range(EACH):
            report = registry_entries.NewReport(
                PEOPLE[(n + i) % len(PEOPLE)],
                "sindh-police",
                "mqm-liaison",
                demo.clock() - timedelta(minutes=n * EACH + i),
                f"Writer {n} report {i}: post empty",
            )
            registry_entries.report_discrepancy(demo.uow(), report, demo.clock)

    errors = together(WRITERS, writer)
    assert errors == []

    with demo.engine.connect() as c:
        seqs = list(c.execute(text("SELECT seq FROM ledger_entries ORDER BY seq")).scalars())
        size = c.execute(text("SELECT size FROM ledger_head")).scalar_one()
    assert size == before + WRITERS * EACH
    assert seqs == list(range(size))
    signer = load_signer(demo.key_path)
    ledger.make_checkpoint(demo.uow(), signer, demo.clock())
    report = verify(demo.engine, signer.verifier())
    assert report.ok, report.problems[:3]
