"""`hifazat demo`: a fresh SQLite registry holding the Karachi scenario, and where to go next."""

from __future__ import annotations

from pathlib import Path

from hifazat.domain.times import Clock
from hifazat.ledger.keys import ensure_key
from hifazat.services.importer import ImportSummary, import_scenario
from hifazat.services.ledger import make_checkpoint
from hifazat.settings import ledger_name
from hifazat.store.engine import make_engine
from hifazat.store.migrate import upgrade
from hifazat.store.uow import UnitOfWork

SCENARIO_NAME = "karachi-withdrawal.yaml"


def scenario_path() -> Path:
    """The shipped scenario: beside the source in a checkout, inside the package when installed."""
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[2] / "scenarios" / SCENARIO_NAME,
        here.parent / "data" / "scenarios" / SCENARIO_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"the demo scenario {SCENARIO_NAME} is not installed")


def create_demo(database: Path, key: Path, clock: Clock) -> tuple[str, ImportSummary]:
    """Replaces `database` with a new registry loaded from the demo scenario, and signs a first
    checkpoint with the ledger key at `key` (created when absent)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        signer, _ = ensure_key(key, ledger_name())
        summary = import_scenario(UnitOfWork(engine), scenario_path(), clock)
        make_checkpoint(UnitOfWork(engine), signer, clock())
    finally:
        engine.dispose()
    return url, summary
