"""Where things live, from the environment: the database and the ledger's signing key."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from hifazat.ledger.keys import DEFAULT_NAME

KEY_ENV = "HIFAZAT_LEDGER_KEY"
NAME_ENV = "HIFAZAT_LEDGER_NAME"


def ledger_key_path(database_url: str) -> Path:
    """$HIFAZAT_LEDGER_KEY; else beside an SQLite file; else in the user's config folder."""
    if explicit := os.environ.get(KEY_ENV):
        return Path(explicit).expanduser()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(f"{url.database}.ledger-key")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "hifazat" / "ledger.key"


def ledger_name() -> str:
    return os.environ.get(NAME_ENV) or DEFAULT_NAME
