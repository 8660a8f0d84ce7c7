"""Where things live and how the server runs, from the environment (HIFAZAT_*)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from hifazat.ledger.keys import DEFAULT_NAME

KEY_ENV = "HIFAZAT_LEDGER_KEY"
NAME_ENV = "HIFAZAT_LEDGER_NAME"
PUBLIC_URL_ENV = "HIFAZAT_PUBLIC_URL"


def ledger_key_path(database_url: str) -> Path:
    """$HIFAZAT_LEDGER_KEY; else beside an SQLite file; else in the user's config folder."""
    if explicit := os.environ.get(KEY_ENV):
        return Path(explicit).expanduser()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(f"{url.database}.ledger-key")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "hifazat" / "ledger.key"


def public_url() -> str | None:
    """$HIFAZAT_PUBLIC_URL: where people reach the web registry (notices link to its appeal
    page); None when unset. A value that is not an http(s) URL is refused, naming the setting."""
    from urllib.parse import urlsplit

    from hifazat.domain.errors import InvalidInput

    value = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise InvalidInput(PUBLIC_URL_ENV, f"{value!r} is not an http(s) URL without a query")
    return value.rstrip("/")


def ledger_name() -> str:
    return os.environ.get(NAME_ENV) or DEFAULT_NAME


class ServerSettings(BaseSettings):
    """The server's settings; secrets (the ledger key) are files, never values here."""

    model_config = SettingsConfigDict(env_prefix="HIFAZAT_", extra="ignore")

    database_url: str = "sqlite:///hifazat.db"
    ledger_key: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    #: send the session cookie only over HTTPS (turn off only for a local demo)
    secure_cookies: bool = True
    session_hours: int = 12
    checkpoint_seconds: int = 600
    #: how long an Idempotency-Key's claim holds before a retry may take over a request that
    #: died before committing; longer than any one request takes
    idempotency_lease_seconds: int = 120

    def key_path(self) -> Path:
        return self.ledger_key or ledger_key_path(self.database_url)
