"""Where things live and how the server runs, from the environment (HIFAZAT_*)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from limits import parse
from pydantic import Field, field_validator
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


LOG_FORMAT_ENV = "HIFAZAT_LOG_FORMAT"


def log_format() -> Literal["json", "text"]:
    """$HIFAZAT_LOG_FORMAT: `json` (one object per line, the default: what a log shipper reads)
    or `text` (for a person at a terminal); anything else is refused, naming the setting."""
    from hifazat.domain.errors import InvalidInput

    value = os.environ.get(LOG_FORMAT_ENV, "json").strip().lower() or "json"
    if value not in ("json", "text"):
        raise InvalidInput(LOG_FORMAT_ENV, f"{value!r} is neither json nor text")
    return "json" if value == "json" else "text"


def ledger_name() -> str:
    return os.environ.get(NAME_ENV) or DEFAULT_NAME


class ServerSettings(BaseSettings):
    """The server's settings; secrets (the ledger key) are files, never values here."""

    model_config = SettingsConfigDict(env_prefix="HIFAZAT_", extra="ignore")

    database_url: str = "sqlite:///hifazat.db"
    #: a hot standby for the reads that may lag (reports, audits of the past); unset: the
    #: primary. A libpq multi-host URL with target_session_attrs=prefer-standby falls back to
    #: the primary by itself while the standby is down (docs/operations.md)
    database_replica_url: str | None = None
    ledger_key: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    #: send the session cookie only over HTTPS (turn off only for a local demo)
    secure_cookies: bool = True
    session_hours: int = 12
    checkpoint_seconds: int = 600
    #: where the policy's witnesses are reached: `NAME=URL` pairs, space- or comma-separated
    witness_urls: str = ""
    #: requests per client address (and, for signing in, per user name) before 429; limits
    #: syntax ("10/minute", "100/hour"); counted per server process
    login_rate: str = "10/minute"
    login_user_rate: str = "5/minute"
    report_rate: str = "30/minute"
    public_rate: str = "120/minute"
    #: the public report is built once per ledger head and period, and kept this long at most
    #: (it also depends on the time: a decision takes effect without a new ledger entry)
    report_cache_seconds: int = Field(60, ge=0)
    report_cache_size: int = Field(16, ge=1)
    #: what a 503 tells a client to wait before trying again while the database is unavailable
    retry_after_seconds: int = Field(5, ge=1)
    #: log lines: one JSON object each (for a log shipper) or text (for a terminal)
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    #: on SIGTERM, how long requests in flight may take to finish before the server stops anyway
    shutdown_seconds: int = Field(30, ge=1)

    @field_validator("login_rate", "login_user_rate", "report_rate", "public_rate")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        try:
            parse(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate such as 10/minute") from None
        return value

    def key_path(self) -> Path:
        return self.ledger_key or ledger_key_path(self.database_url)
