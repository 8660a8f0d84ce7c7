"""What every command shares: the app, its state, and the translation of errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import DataError, OperationalError

from hifazat.domain.errors import Conflict, DomainError, InvalidInput, NotFound, Refusal
from hifazat.domain.fields import json_escaped, shown
from hifazat.domain.times import (
    Clock,
    parse_instant,
    system_clock,
)
from hifazat.ledger.keys import KeyFileError, load_signer
from hifazat.ledger.note import NoteError, Signer
from hifazat.ledger.receipt import ReceiptError
from hifazat.settings import ledger_key_path
from hifazat.store.engine import database_url, make_engine
from hifazat.store.uow import UnitOfWork

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class State:
    """What every command shares; tests hand in their own clock."""

    clock: Clock = system_clock
    url: str | None = None
    _engine: Engine | None = field(default=None, repr=False)
    ledger_key: Path | None = None

    @property
    def key_path(self) -> Path:
        return self.ledger_key or ledger_key_path(database_url(self.url))

    def signer(self) -> Signer:
        return load_signer(self.key_path)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(database_url(self.url))
        return self._engine

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def zone(self) -> str:
        with self.uow() as uow:
            try:
                return uow.repo.policy().timezone
            except InvalidInput:
                return "UTC"


app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    help="Hifazat: the accountable registry of protective security.",
)
db_app = typer.Typer(no_args_is_help=True, help="The database.")
users_app = typer.Typer(no_args_is_help=True, help="Users and their roles.")
threat_app = typer.Typer(no_args_is_help=True, help="Threat assessments.")
report_app = typer.Typer(no_args_is_help=True, help="Ground reports.")
reviews_app = typer.Typer(no_args_is_help=True, help="Periodic reviews.")
ledger_app = typer.Typer(no_args_is_help=True, help="The tamper-evident ledger.")
appeal_app = typer.Typer(no_args_is_help=True, help="Appeals against decisions.")
decision_app = typer.Typer(no_args_is_help=True, help="One decision.")
audit_app = typer.Typer(no_args_is_help=True, help="Oversight audits.")
channels_app = typer.Typer(no_args_is_help=True, help="Where notices are delivered.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(threat_app, name="threat")
app.add_typer(report_app, name="report")
app.add_typer(reviews_app, name="reviews")
app.add_typer(ledger_app, name="ledger")
app.add_typer(appeal_app, name="appeal")
app.add_typer(decision_app, name="decision")
app.add_typer(audit_app, name="audit")
app.add_typer(channels_app, name="channels")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ByOpt = Annotated[str, typer.Option("--by", help="The user acting.")]


def fail(message: str, code: int) -> typer.Exit:
    """`error: message` as one line on stderr, whatever the message quotes."""
    typer.echo(f"error: {shown(message, inline=True)}", err=True)
    return typer.Exit(code)


def translating(fn: Callable[P, R]) -> Callable[P, R]:
    """Turns domain errors into the contract's messages and exit codes."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Refusal as refusal:
            for v in refusal.violations:
                typer.echo(f"error: {v.rule}: {shown(v.message, inline=True)}", err=True)
            raise typer.Exit(2) from None
        except InvalidInput as error:
            raise fail(f"{error.field}: {error.message}", 2) from None
        except (NotFound, Conflict) as error:
            raise fail(str(error), 1) from None
        except DomainError as error:
            raise fail(str(error), 1) from None
        except OperationalError as error:
            raise fail(f"database: {error.orig}", 1) from None
        except DataError as error:
            # a value the database cannot hold that no check caught: still bad input, not a crash
            first = str(error.orig).partition("\n")[0]
            raise fail(f"the database refused a value: {first}", 2) from None
        except UnicodeError as error:
            raise fail(f"text that is not valid Unicode: {error}", 2) from None
        except RecursionError:
            raise fail("the input is nested too deeply", 2) from None
        except OverflowError as error:
            raise fail(f"a time or number out of range: {error}", 2) from None
        except (KeyFileError, NoteError, ReceiptError) as error:
            raise fail(str(error), 1) from None

    return wrapper


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def instant(text: str | None, option: str) -> datetime | None:
    return None if text is None else parse_instant(text, option)


def emit(data: Any) -> None:
    """JSON on stdout; a control or invisible format character is written as its \\u escape, which
    is the same JSON value but cannot act on the terminal or the text around it."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    typer.echo(json_escaped(text))


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database URL (default: $HIFAZAT_DATABASE_URL, else sqlite:///hifazat.db)."
        ),
    ] = None,
) -> None:
    if not isinstance(ctx.obj, State):
        ctx.obj = State()
    if db is not None:
        ctx.obj.url = db


def main() -> None:
    try:
        app(obj=State())
    except KeyboardInterrupt:
        sys.exit(130)
