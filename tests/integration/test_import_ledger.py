"""The ledger an import writes is fixed by the file: a generated nation, imported, gives the
same entries in the same order and so the same root as the importer always has (the figures
below were taken from the importer before it was made fast), and the log verifies."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from bench import generate as generator
from bench.people import START

from hifazat.ledger.merkle import root
from hifazat.services.importer import import_scenario
from hifazat.store import ledger_store
from tests.conftest import Registry

SCALE = 0.002  # 40 protectees, 337 decisions, 145 assessments, 7 ground reports


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nation = generator.generate(SCALE, 2019)
    path, _ = generator.write(nation, tmp_path_factory.mktemp("nation"))
    return path


def _ledger(registry: Registry) -> tuple[int, str, str]:
    with registry.engine.begin() as c:
        size = ledger_store.tree_size(c)
        digest = hashlib.sha256()
        for batch in ledger_store.entry_batches(c):
            for _seq, kind, ref, entry, _leaf in batch:
                digest.update(f"{kind}\t{ref}\t{entry}\n".encode())
        tree_root = root(size, ledger_store.DbNodes(c))
    return size, digest.hexdigest(), tree_root.hex()


def test_an_imported_nation_enters_the_same_ledger(registry: Registry, scenario: Path) -> None:
    summary = import_scenario(registry.uow(), scenario, lambda: START - timedelta(days=1))
    assert summary.counts["decisions"] == 337
    size, entries, tree_root = _ledger(registry)
    assert (size, entries, tree_root) == EXPECTED
    verified = registry.cli("ledger", "verify")
    assert verified.exit_code == 0, verified.output


EXPECTED = (
    1148,
    "55b57a9b19b3b5c4536105c7a584a2c29af7de10f494cfa4f0a3470542c66e31",
    "ddbd280c32f2bef82c2538595acad627c19fce1c6fd5e276c87a5c468dde2fb7",
)
