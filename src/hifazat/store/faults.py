"""Which database errors mean "the database cannot serve now" rather than a bug: a server down
or restarting, a file that cannot be opened, a read-only database, a full disk. The server
answers those with 503 and recovers by itself once the database is back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

#: SQLSTATE classes and codes of PostgreSQL for the same faults
_PG_READ_ONLY = {"25006"}  # read_only_sql_transaction
_PG_FULL = {"53100"}  # disk_full
_PG_UNAVAILABLE_CLASSES = ("08", "53", "57")  # connection, resources, operator intervention


@dataclass(frozen=True)
class Fault:
    """What a client is told (no SQL, no path), and what the log is told (no parameters)."""

    kind: str  # unavailable | read-only | full | busy
    message: str
    detail: str


MESSAGES = {
    "unavailable": "the database is unavailable; try again shortly",
    "read-only": "the database is read-only: changes are refused until it is writable again",
    "full": "the database's disk is full: changes are refused until space is freed",
    "busy": "the database is too busy to answer; try again shortly",
}


def fault_of(error: BaseException) -> Fault | None:
    """The fault behind a database error, or None for an error that is a bug (bad SQL, a
    violated constraint), which stays a 500 or its own answer."""
    if isinstance(error, PoolTimeout):
        return _fault("busy", "the connection pool is exhausted")
    if isinstance(error, DisconnectionError):
        return _fault("unavailable", "the connection was lost")
    if not isinstance(error, DBAPIError):
        return None
    orig = error.orig
    detail = f"{type(orig).__name__}: {_first_line(orig)}"
    sqlstate = str(getattr(orig, "sqlstate", None) or "")
    name = str(getattr(orig, "sqlite_errorname", None) or "")
    if sqlstate in _PG_READ_ONLY or name.startswith("SQLITE_READONLY"):
        return _fault("read-only", detail)
    if sqlstate in _PG_FULL or name == "SQLITE_FULL":
        return _fault("full", detail)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return _fault("busy", detail)
    if error.connection_invalidated or sqlstate.startswith(_PG_UNAVAILABLE_CLASSES):
        return _fault("unavailable", detail)
    if isinstance(error, OperationalError | InterfaceError):
        # DB-API: "errors related to the database's operation, not under the programmer's
        # control" — a file that cannot be opened, a server that refuses connections
        return _fault("unavailable", detail)
    return None


def _fault(kind: str, detail: str) -> Fault:
    return Fault(kind, MESSAGES[kind], detail)


def _first_line(orig: object) -> str:
    """The driver's own message, first line only: the server's words, without the statement
    or its parameters (which SQLAlchemy appends to its own text, not the driver's)."""
    text = str(orig).strip().splitlines()
    return text[0] if text else ""
