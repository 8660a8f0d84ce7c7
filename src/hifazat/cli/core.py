"""What every command shares: the app, its state, and the translation of errors."""

from __future__ import annotations

import functools
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import DataError, OperationalError

from hifazat.bootstrap import SharedTransaction, UnitOfWork, database_url, make_engine
from hifazat.domain.errors import DomainError, InvalidInput, Outcome, Refusal
from hifazat.domain.fields import json_escaped, shown
from hifazat.domain.roster import Problem, Roster
from hifazat.domain.times import (
    Clock,
    parse_instant,
    system_clock,
)
from hifazat.ledger.keys import KeyFileError, load_signer
from hifazat.ledger.note import NoteError, Signer
from hifazat.ledger.receipt import ReceiptError
from hifazat.services.rostering import Solve
from hifazat.settings import ledger_key_path

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class State:
    """What every command shares; tests hand in their own clock."""

    clock: Clock = system_clock
    url: str | None = None
    _engine: Engine | None = field(default=None, repr=False)
    ledger_key: Path | None = None
    #: the command's one transaction, which every unit of work it opens joins
    shared: SharedTransaction | None = field(default=None, repr=False)

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
        return UnitOfWork(self.engine, self.shared)

    @contextmanager
    def one_transaction(self) -> Iterator[None]:
        """The command as one transaction, committed at its end: what its units of work
        committed is kept (a refused attempt, the work of a command that then exits with an
        error code); an unexpected failure rolls all of it back."""
        self.shared = shared = SharedTransaction(self.engine)
        try:
            yield
        except ENDINGS:
            shared.end(commit=True)
            raise
        except BaseException:
            shared.end(commit=False)
            raise
        finally:
            self.shared = None
        shared.end(commit=True)

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
roster_app = typer.Typer(no_args_is_help=True, help="Duty rosters and their solver.")
roll_app = typer.Typer(no_args_is_help=True, help="A provider's officers and vehicles.")
attendance_app = typer.Typer(no_args_is_help=True, help="Officers checking in and out of posts.")
events_app = typer.Typer(no_args_is_help=True, help="Public events of affiliations.")
export_app = typer.Typer(
    no_args_is_help=True, help="Restricted records for one reader, marked and traceable."
)
witness_app = typer.Typer(
    no_args_is_help=True, help="A transparency-log witness, run apart from the registry."
)
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
app.add_typer(roster_app, name="roster")
app.add_typer(roll_app, name="roll")
app.add_typer(attendance_app, name="attendance")
app.add_typer(events_app, name="events")
app.add_typer(export_app, name="export")
app.add_typer(witness_app, name="witness")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ByOpt = Annotated[str, typer.Option("--by", help="The user acting.")]


def fail(message: str, code: int) -> typer.Exit:
    """`error: message` as one line on stderr, whatever the message quotes."""
    typer.echo(f"error: {shown(message, inline=True)}", err=True)
    return typer.Exit(code)


class Deferred(io.StringIO):
    """Standard output held until the command's transaction has committed, so that nothing
    printed claims a change the database did not keep; a terminal's properties show through."""

    def __init__(self, real: Any) -> None:
        super().__init__()
        self.real = real

    def isatty(self) -> bool:
        return bool(self.real.isatty())

    def fileno(self) -> int:
        return int(self.real.fileno())

    def release(self) -> None:
        self.real.write(self.getvalue())
        self.real.flush()


@contextmanager
def committed_then_printed(fn: Callable[..., Any], given: tuple[Any, ...]) -> Iterator[None]:
    """Runs a command in one transaction, its output printed once that has ended, so a failed
    commit is the only thing said; the long-running commands (a server, a worker) and those
    that make their own database keep a transaction per step and print as they go."""
    ctx = next((a for a in given if hasattr(a, "find_root")), None)  # the command's context
    s = ctx.find_root().obj if ctx is not None else None
    if not isinstance(s, State) or getattr(fn, "__name__", "") in RUN_ALONE:
        yield
        return
    held = Deferred(sys.stdout)
    raised = False
    try:
        with redirect_stdout(held), s.one_transaction():
            try:
                yield
            except BaseException:
                raised = True  # the command's own ending: what it printed stands
                raise
    except BaseException:
        if raised:
            held.release()
        raise  # else the commit failed: nothing printed claims what it did not keep
    held.release()


#: commands that are not one transaction: they run for long, create the database first, use
#: none (the solver's benchmark), or wait on others over the network (the witnesses)
RUN_ALONE = frozenset(
    {"serve", "worker", "demo", "db_upgrade", "roster_benchmark", "ledger_witness"}
)
#: how a command may end on purpose, keeping what it did: a refusal, an error code
ENDINGS = (DomainError, typer.Exit, typer.Abort)


#: each kind of error (domain.errors.Outcome) as a command ends on it: 2 for what the caller
#: asked (a rule refused it, or it cannot be understood), 1 for the state of things
EXIT_CODES: dict[Outcome, int] = {
    Outcome.REFUSED: 2,
    Outcome.INVALID: 2,
    Outcome.NOT_FOUND: 1,
    Outcome.CONFLICT: 1,
    Outcome.FORBIDDEN: 1,
    Outcome.UNAUTHENTICATED: 1,
}


def translating(fn: Callable[P, R]) -> Callable[P, R]:
    """Turns domain errors into the contract's messages and exit codes; the command is one
    transaction (see `committed_then_printed`)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with committed_then_printed(fn, (*args, *kwargs.values())):
                return fn(*args, **kwargs)
        except Refusal as refusal:  # one line for each rule
            for v in refusal.violations:
                typer.echo(f"error: {v.rule}: {shown(v.message, inline=True)}", err=True)
            raise typer.Exit(EXIT_CODES[refusal.outcome]) from None
        except DomainError as error:
            raise fail(str(error), EXIT_CODES[error.outcome]) from None
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


def solver(time_limit: float) -> Solve:
    """The roster's solver (OR-Tools) within `time_limit` seconds, loaded by the commands that
    use it, not by every command's start."""
    from hifazat.rostering.solver import Settings, solve

    def run(problem: Problem) -> tuple[Roster | None, str]:
        solution = solve(problem, Settings(time_limit=time_limit))
        return solution.roster, solution.outcome.value

    return run


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
