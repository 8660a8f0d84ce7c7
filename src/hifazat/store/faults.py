"""Which database errors mean "the database cannot serve now" rather than a bug: a server down
or restarting, a file that cannot be opened, a read-only database, a full disk. The server
answers those with 503 and recovers by itself once the database is back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

#: PostgreSQL's SQLSTATE codes and classes for these faults
_PG_READ_ONLY = {"25006"}  # read_only_sql_transaction
_PG_FULL = {"53100"}  # disk_full
_PG_NO_TABLE = "42P01"  # undefined_table
_PG_UNAVAILABLE_CLASSES = ("08", "53", "57")  # connection, resources, operator intervention
#: SQLite's result codes for a file that cannot be opened, read or trusted
_SQLITE_UNAVAILABLE = (
    "SQLITE_CANTOPEN",
    "SQLITE_IOERR",
    "SQLITE_NOTADB",
    "SQLITE_CORRUPT",
    "SQLITE_PERM",
    "SQLITE_NOMEM",
    "SQLITE_PROTOCOL",
)


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
    said = _first_line(orig)
    detail = f"{type(orig).__name__}: {said}"
    sqlstate = str(getattr(orig, "sqlstate", None) or "")
    name = str(getattr(orig, "sqlite_errorname", None) or "")
    if sqlstate in _PG_READ_ONLY or name.startswith("SQLITE_READONLY"):
        return _fault("read-only", detail)
    if sqlstate in _PG_FULL or name == "SQLITE_FULL":
        return _fault("full", detail)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return _fault("busy", detail)
    if sqlstate == _PG_NO_TABLE or (name == "SQLITE_ERROR" and said.startswith("no such table")):
        # no schema: an empty file in the database's place, or the wrong database
        return _fault("unavailable", detail)
    if name:  # SQLite calls any error an OperationalError: only these are faults
        return _fault("unavailable", detail) if name.startswith(_SQLITE_UNAVAILABLE) else None
    if error.connection_invalidated or sqlstate.startswith(_PG_UNAVAILABLE_CLASSES):
        return _fault("unavailable", detail)
    if isinstance(error, OperationalError | InterfaceError):
        # psycopg: a server that refuses connections, or closes them (DB-API: "errors related
        # to the database's operation, not under the programmer's control")
        return _fault("unavailable", detail)
    return None


def _fault(kind: str, detail: str) -> Fault:
    return Fault(kind, MESSAGES[kind], detail)


def _first_line(orig: object) -> str:
    """The driver's own message, first line only: the server's words, without the statement
    or its parameters (which SQLAlchemy appends to its own text, not the driver's)."""
    text = str(orig).strip().splitlines()
    return text[0] if text else ""
