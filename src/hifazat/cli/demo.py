"""`hifazat demo`: a fresh SQLite registry holding the Karachi scenario, and where to go next."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from hifazat.bootstrap import UnitOfWork, make_engine, upgrade
from hifazat.cli.core import solver
from hifazat.domain.times import Clock
from hifazat.domain.users import User
from hifazat.ledger.keys import ensure_key
from hifazat.services.auth import set_password
from hifazat.services.importer import ImportSummary, import_scenario
from hifazat.services.ledger import make_checkpoint
from hifazat.services.users import add_user
from hifazat.settings import ledger_name

SCENARIO_NAME = "karachi-withdrawal.yaml"
#: the Sindh and federal forces behind the same cover: rolls, rosters and attendance
DEPLOYMENT_NAME = "karachi-deployment.yaml"
#: the party's public events after the Gul Plaza fire, for the retaliation test
EVENTS_NAME = "karachi-events.yaml"


def scenario_path(name: str = SCENARIO_NAME) -> Path:
    """The shipped scenario: beside the source in a checkout, inside the package when installed."""
    package = Path(__file__).resolve().parents[1]  # src/hifazat, or site-packages/hifazat
    for candidate in (
        package.parents[1] / "scenarios" / name,
        package / "data" / "scenarios" / name,
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"the demo scenario {name} is not installed")


#: the demo's extra logins: an admin, and a protectee's own login
EXTRA_USERS = (
    User("registrar", "Registrar, Home Department", frozenset({"admin"})),
    User("farooq", "Farooq Sattar", frozenset({"protectee"}), "farooq-sattar"),
)


def demo_password() -> str:
    """One password for every demo login: $HIFAZAT_DEMO_PASSWORD, else a fresh random one."""
    return os.environ.get("HIFAZAT_DEMO_PASSWORD") or secrets.token_urlsafe(9)


def create_demo(
    database: Path, key: Path, clock: Clock, password: str | None = None
) -> tuple[str, ImportSummary]:
    """Replaces `database` with a new registry loaded from the demo scenario, signs a first
    checkpoint with the ledger key at `key` (created when absent) and, given a password, gives
    every demo user a login with it."""
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        signer, _ = ensure_key(key, ledger_name())
        summary = import_scenario(UnitOfWork(engine), scenario_path(), clock)
        deployed = import_scenario(
            UnitOfWork(engine), scenario_path(DEPLOYMENT_NAME), clock, solver
        )
        said = import_scenario(UnitOfWork(engine), scenario_path(EVENTS_NAME), clock)
        for more in (deployed, said):
            summary.counts.update({k: n for k, n in more.counts.items() if n})
        for user in EXTRA_USERS:
            add_user(
                UnitOfWork(engine), user, None if "admin" in user.roles else "registrar", clock
            )
        if password is not None:
            with UnitOfWork(engine) as uow:
                everyone = list(uow.repo.users())
            for user_id in everyone:
                set_password(UnitOfWork(engine), user_id, password, "registrar", clock())
        make_checkpoint(UnitOfWork(engine), signer, clock())
    finally:
        engine.dispose()
    return url, summary
