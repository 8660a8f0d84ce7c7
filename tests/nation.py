"""The benchmark's synthetic nation in a test registry: a generated history with appeals,
reviews, ratifications, assessments and ground reports, for tests that need more than the demo."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bench.load import Database, apply_operations, read_operations
from bench.people import START
from bench.suite import Prepared

from hifazat.ledger.keys import load_signer
from hifazat.services.importer import import_scenario
from tests.conftest import Registry


def bench_database(reg: Registry) -> Database:
    """The registry as the benchmarks address a database."""
    return Database(reg.backend, reg.url, reg.engine, reg.key_path, load_signer(reg.key_path))


def load_nation(reg: Registry, prepared: Prepared) -> Counter[str]:
    """Imports the generated scenario and applies its operations; says how many of each ran."""
    import_scenario(reg.uow(), prepared.scenario, lambda: START - timedelta(days=1))
    return apply_operations(bench_database(reg), read_operations(prepared.operations))
