"""The command line. It only translates: arguments in, a service call, a table or JSON out.

A refusal prints `error: RULE-ID: message` on stderr and exits 2, as does input that cannot be
understood; anything else that fails exits 1."""

from __future__ import annotations

import base64
import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from hifazat.domain.appeal import AppealOutcome
from hifazat.domain.decision import Action, Basis
from hifazat.domain.errors import Conflict, DomainError, InvalidInput, NotFound, Refusal
from hifazat.domain.times import (
    Clock,
    local_text,
    parse_duration,
    parse_instant,
    system_clock,
    utc_text,
)
from hifazat.domain.users import User
from hifazat.ledger.keys import KeyFileError, ensure_key, load_signer
from hifazat.ledger.note import NoteError, Signer, Verifier
from hifazat.ledger.receipt import ReceiptError, check_receipt
from hifazat.services import (
    appeals,
    audits,
    auth,
    decide,
    emergencies,
    importer,
    ledger,
    notices,
    oversight,
    registry_entries,
    reviews,
    users,
    views,
)
from hifazat.services.status import protectee_status
from hifazat.services.verify import verify
from hifazat.settings import ledger_key_path, ledger_name
from hifazat.store.engine import database_url, make_engine
from hifazat.store.migrate import upgrade
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
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(threat_app, name="threat")
app.add_typer(report_app, name="report")
app.add_typer(reviews_app, name="reviews")
app.add_typer(ledger_app, name="ledger")
app.add_typer(appeal_app, name="appeal")
app.add_typer(decision_app, name="decision")
app.add_typer(audit_app, name="audit")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ByOpt = Annotated[str, typer.Option("--by", help="The user acting.")]


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def translating(fn: Callable[P, R]) -> Callable[P, R]:
    """Turns domain errors into the contract's messages and exit codes."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Refusal as refusal:
            for v in refusal.violations:
                typer.echo(f"error: {v.rule}: {v.message}", err=True)
            raise typer.Exit(2) from None
        except InvalidInput as error:
            raise fail(f"{error.field}: {error.message}", 2) from None
        except (NotFound, Conflict) as error:
            raise fail(str(error), 1) from None
        except DomainError as error:
            raise fail(str(error), 1) from None
        except OperationalError as error:
            raise fail(f"database: {error.orig}", 1) from None
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
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


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


@app.command()
@translating
def demo(
    ctx: typer.Context,
    database: Annotated[Path, typer.Option("--database", help="SQLite file to (re)create.")] = Path(
        "var/demo.db"
    ),
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    serve_: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve it.")] = True,
) -> None:
    """Create a fresh SQLite registry with the Karachi scenario and a login for each role,
    show where it stands, and serve the web UI and API."""
    from hifazat import console
    from hifazat.demo import create_demo, demo_password

    s = state(ctx)
    key = s.ledger_key or ledger_key_path(f"sqlite:///{database}")
    password = demo_password()
    url, summary = create_demo(database, key, s.clock, password)
    s.url, s._engine, s.ledger_key = url, None, key
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in summary.counts.items())
    console.out.print(
        f"[bold]Hifazat demo[/bold] — {url}\nLoaded the Karachi scenario: {counts}.\n"
    )
    zone = s.zone()
    with s.uow() as uow:
        people = list(uow.repo.protectees())
        logins = uow.repo.users()
    now = s.clock()
    for pid in people:
        console.status_table(protectee_status(s.uow(), pid, now), zone, with_flags=False)
    console.out.print("\n[bold]Open flags[/bold]")
    with s.uow() as uow:
        console.flags_table(oversight.flags_at(uow, now), zone)
    console.out.print(DEMO_NEXT.format(db=url))
    console.out.print("[bold]Demo logins[/bold] (password for all: " + password + ")")
    for user in logins.values():
        console.out.print(f"  {user.id:<16} {', '.join(sorted(user.roles))}")
    if not serve_:
        return
    import uvicorn

    from hifazat.api.app import create_app
    from hifazat.settings import ServerSettings

    settings = ServerSettings(
        database_url=url, ledger_key=key, secure_cookies=False, checkpoint_seconds=60
    )
    console.out.print(f"\nServing the web UI and API on http://127.0.0.1:{port}/ (Ctrl-C stops)")
    uvicorn.run(create_app(settings, s.clock), host="127.0.0.1", port=port, log_level="warning")


DEMO_NEXT = """
Next, against this registry (prefix each with: .venv/bin/hifazat --db {db}):
  decide withdraw --protectee farooq-sattar --provider sindh-police --by ssu-operator
      -> refused: R-REASON (no reason); only the attempt is kept, in the ledger
  decide withdraw --protectee farooq-sattar --provider sindh-police --by ssu-operator \\
      --reason-code court-order --reason "Sindh High Court ordered a security review"
  approve DECISION --by ssu-chief          (takes effect after the 72 h notice)
  status farooq-sattar --json · flags · reviews due
  ledger verify · ledger proof d-006 -o receipt.json · ledger public-key
  ledger check-receipt receipt.json --key "$(hifazat --db {db} ledger public-key)"
Demo users: ssu-operator, ssu-chief, moi-operator, moi-approver, ptac-chair (committee),
special-branch (intelligence), auditor, mqm-liaison.
"""


@db_app.command("upgrade")
@translating
def db_upgrade(ctx: typer.Context) -> None:
    """Create the schema, or migrate it to the latest version; create the ledger key if absent."""
    s = state(ctx)
    upgrade(s.engine)
    typer.echo("database is at the latest schema")
    signer, created = ensure_key(s.key_path, ledger_name())
    if created:
        typer.echo(f"created the ledger signing key {s.key_path} (mode 600)")
    typer.echo(f"ledger verifier key: {signer.verifier().text()}")


@app.command("import")
@translating
def import_(ctx: typer.Context, file: Path, json_: JsonOpt = False) -> None:
    """Load a scenario file in one transaction; a refused row fails the whole file."""
    s = state(ctx)
    summary = importer.import_scenario(s.uow(), file, s.clock)
    if json_:
        emit({"policy": summary.policy, **summary.counts})
        return
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in summary.counts.items())
    typer.echo(f"imported {file} under policy {summary.policy}: {counts}")


@app.command()
@translating
def status(
    ctx: typer.Context,
    protectee: str,
    at: Annotated[
        str | None, typer.Option(help="An instant with offset, e.g. 2026-01-27T08:00:00+05:00.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """The layered cover of a protectee now, or at a past instant."""
    s = state(ctx)
    when = instant(at, "--at") or s.clock()
    result = protectee_status(s.uow(), protectee, when)
    if json_:
        emit(views.status_view(result))
    else:
        from hifazat import console

        console.status_table(result, s.zone())


@app.command("decide")
@translating
def decide_(
    ctx: typer.Context,
    action: Action,
    protectee: Annotated[str, typer.Option()],
    provider: Annotated[str, typer.Option()],
    by: ByOpt,
    category: Annotated[str | None, typer.Option()] = None,
    basis: Annotated[Basis | None, typer.Option(help="For a grant.")] = None,
    reason_code: Annotated[str, typer.Option("--reason-code")] = "",
    reason: Annotated[str, typer.Option()] = "",
    emergency: Annotated[bool, typer.Option("--emergency")] = False,
    effective: Annotated[
        str | None, typer.Option(help="When it takes effect, with offset.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Propose a decision; prints its id."""
    s = state(ctx)
    if action is Action.GRANT and basis is None:
        basis = Basis.POSITIONAL
    proposal = decide.Proposal(
        action=action,
        protectee=protectee,
        provider=provider,
        reason_code=reason_code,
        reason=reason,
        by=by,
        category=category,
        basis=basis,
        emergency=emergency,
        effective_at=instant(effective, "--effective"),
    )
    proposed = decide.propose(s.uow(), proposal, s.clock)
    if json_:
        emit(
            {
                "decision": proposed.decision.id,
                "state": "proposed",
                "needs_committee": proposed.needs_committee,
            }
        )
        return
    typer.echo(proposed.decision.id)
    for why in proposed.needs_committee:
        typer.echo(f"note: the committee must approve: {why}", err=True)


@app.command()
@translating
def approve(
    ctx: typer.Context,
    decision: str,
    by: ByOpt,
    effective: Annotated[
        str | None, typer.Option(help="Set or correct the effective time.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Approve a proposed decision; it takes effect at its effective time."""
    s = state(ctx)
    decided = decide.approve(s.uow(), decision, by, s.clock, instant(effective, "--effective"))
    if json_:
        emit(views.decision_view(decided, s.clock()))
        return
    if decided.effective_at is None:
        with s.uow() as uow:
            role = decide.next_role(uow, decided.id, s.clock())
        typer.echo(f"{decided.id}: step {len(decided.steps)} approved by {by}; waiting on {role}")
        return
    when = local_text(decided.effective_at, s.zone())
    typer.echo(f"{decided.id} approved by {by}; takes effect {when}")


@app.command()
@translating
def rescind(
    ctx: typer.Context,
    decision: str,
    by: ByOpt,
    reason: Annotated[str, typer.Option()] = "",
) -> None:
    """Withdraw a decision before it takes effect."""
    s = state(ctx)
    decide.rescind(s.uow(), decision, by, reason, s.clock)
    typer.echo(f"{decision} rescinded by {by}")


@report_app.command("discrepancy")
@translating
def report_discrepancy(
    ctx: typer.Context,
    protectee: Annotated[str, typer.Option()],
    provider: Annotated[str, typer.Option()],
    by: ByOpt,
    observed: Annotated[str, typer.Option(help="When it was seen, with offset.")],
    text: Annotated[str, typer.Option()],
    json_: JsonOpt = False,
) -> None:
    """File a ground report: what is deployed differs from what is authorised."""
    s = state(ctx)
    observed_at = parse_instant(observed, "--observed")
    report = registry_entries.report_discrepancy(
        s.uow(), registry_entries.NewReport(protectee, provider, by, observed_at, text), s.clock
    )
    if json_:
        emit({"report": report.id})
    else:
        typer.echo(report.id)


@threat_app.command("add")
@translating
def threat_add(
    ctx: typer.Context,
    protectee: Annotated[str, typer.Option()],
    level: Annotated[str, typer.Option()],
    agency: Annotated[str, typer.Option()],
    valid_until: Annotated[str, typer.Option("--valid-until")],
    summary: Annotated[str, typer.Option()],
    by: ByOpt,
    assessed: Annotated[str | None, typer.Option(help="Default: now.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Enter a threat assessment (intelligence only)."""
    s = state(ctx)
    now = s.clock()
    new = registry_entries.NewAssessment(
        protectee,
        level,
        agency,
        instant(assessed, "--assessed") or now,
        parse_instant(valid_until, "--valid-until"),
        summary,
        by,
    )
    assessment = registry_entries.add_assessment(s.uow(), new, lambda: now)
    if json_:
        emit({"assessment": assessment.id})
    else:
        typer.echo(assessment.id)


@app.command()
@translating
def flags(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option(help="An instant with offset.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Every open flag: overdue reviews, cover without basis, ground reports, clusters."""
    s = state(ctx)
    when = instant(at, "--at") or s.clock()
    with s.uow() as uow:
        found = oversight.flags_at(uow, when)
    if json_:
        emit([views.flag_view(f) for f in found])
    else:
        from hifazat import console

        console.flags_table(found, s.zone())


@reviews_app.command("due")
@translating
def reviews_due(
    ctx: typer.Context,
    within: Annotated[str, typer.Option(help="Also list reviews due within this long.")] = "30d",
    json_: JsonOpt = False,
) -> None:
    """The review queue: covers whose periodic review is due or overdue."""
    s = state(ctx)
    queue = oversight.reviews_due(s.uow(), s.clock(), parse_duration(within, "--within"))
    if json_:
        emit([views.review_view(item) for item in queue])
    else:
        from hifazat import console

        console.reviews_table(queue, s.zone())


@users_app.command("add")
@translating
def users_add(
    ctx: typer.Context,
    user_id: Annotated[str, typer.Argument(metavar="ID")],
    name: Annotated[str, typer.Option()],
    role: Annotated[list[str] | None, typer.Option(help="Repeat for several roles.")] = None,
    protectee: Annotated[str | None, typer.Option(help="For a protectee's own login.")] = None,
    by: Annotated[str | None, typer.Option(help="The admin acting.")] = None,
) -> None:
    """Add a user (admin only; the first admin may be added without --by)."""
    s = state(ctx)
    user = User(user_id, name, frozenset(role or []), protectee)
    users.add_user(s.uow(), user, by, s.clock)
    typer.echo(f"added {user_id}: {', '.join(sorted(user.roles)) or 'no roles'}")


@users_app.command("grant")
@translating
def users_grant(
    ctx: typer.Context,
    user_id: Annotated[str, typer.Argument(metavar="ID")],
    role: str,
    by: Annotated[str | None, typer.Option(help="The admin acting.")] = None,
) -> None:
    """Give a user a role."""
    s = state(ctx)
    user = users.grant_role(s.uow(), user_id, role, by, s.clock)
    typer.echo(f"{user_id}: {', '.join(sorted(user.roles))}")


@users_app.command("password")
@translating
def users_password(
    ctx: typer.Context,
    user_id: Annotated[str, typer.Argument(metavar="ID")],
    by: Annotated[str, typer.Option(help="The admin acting, or the user themself.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a user's password (Argon2-hashed; never echoed or logged)."""
    s = state(ctx)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    auth.set_password(s.uow(), user_id, password, by, s.clock())
    typer.echo(f"password set for {user_id}")


@app.command()
@translating
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
) -> None:
    """Serve the HTTP API (settings from HIFAZAT_* environment variables)."""
    import uvicorn

    from hifazat.api.app import create_app
    from hifazat.settings import ServerSettings

    s = state(ctx)
    settings = ServerSettings(database_url=database_url(s.url), ledger_key=s.key_path)
    app_ = create_app(settings, s.clock)
    uvicorn.run(app_, host=host or settings.host, port=port or settings.port, log_level="info")


@users_app.command("list")
@translating
def users_list(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Every user and their roles."""
    with state(ctx).uow() as uow:
        found = uow.repo.users()
    rows = [views.user_view(u) for u in found.values()]
    if json_:
        emit(rows)
        return
    for u in found.values():
        typer.echo(f"{u.id:<24} {', '.join(sorted(u.roles)):<40} {u.name}")


@decision_app.command("show")
@translating
def decision_show(ctx: typer.Context, decision: str, json_: JsonOpt = False) -> None:
    """A decision: its state, approval steps, the step it waits on, appeal, ratification."""
    s = state(ctx)
    now = s.clock()
    with s.uow() as uow:
        found = uow.repo.decision(decision)
        waiting = decide.next_role(uow, decision, now)
    view = {**views.decision_view(found, now), "waiting_on": waiting}
    if json_:
        emit(view)
        return
    for key, value in view.items():
        if value not in (None, [], ""):
            typer.echo(f"{key:>22}: {value}")


@app.command("notices")
@translating
def notices_(ctx: typer.Context, protectee: str, json_: JsonOpt = False) -> None:
    """What a protectee and their liaisons were told, with receipts once checkpointed."""
    s = state(ctx)
    found = notices.notices_of(s.uow(), protectee)
    if json_:
        emit([views.notice_view(n, r) for n, r in found])
        return
    for n, receipt in found:
        b = n.body
        typer.echo(
            f"{n.id} to {n.recipient} ({n.recipient_kind}), {utc_text(n.created_at)}: "
            f"{b['headline']}"
        )
        typer.echo(
            f"    {b['decision']} {b['action']} by {b['provider']}: "
            f"{b['old_category'] or '—'} -> {b['new_category'] or '—'}, effective "
            f"{b['effective_local']}; {b['reason_code']}: {b['reason']}"
        )
        typer.echo(f"    decided by {b['decided_by']}; receipt: {'yes' if receipt else 'not yet'}")


@app.command("review")
@translating
def review_(
    ctx: typer.Context,
    coverage: Annotated[
        str, typer.Argument(help="The coverage (the grant decision that opened it).")
    ],
    outcome: Annotated[str, typer.Option(help="confirm, or upgrade/downgrade/suspend/withdraw.")],
    reason: Annotated[str, typer.Option()],
    by: ByOpt,
    category: Annotated[str | None, typer.Option(help="For an upgrade or downgrade.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Record a periodic review: confirm the cover, or propose the change it concluded."""
    s = state(ctx)
    outcome = "confirmed" if outcome == "confirm" else outcome
    done = reviews.review(s.uow(), coverage, outcome, reason, by, s.clock, category)
    result = {
        "review": done.review.id,
        "outcome": done.review.outcome,
        "decision": done.decision.id if done.decision else None,
    }
    if json_:
        emit(result)
    elif done.decision:
        typer.echo(f"{done.review.id}: proposed {done.decision.id}, awaiting approval")
    else:
        typer.echo(f"{done.review.id}: cover confirmed")


@appeal_app.command("lodge")
@translating
def appeal_lodge(
    ctx: typer.Context,
    decision: str,
    by: ByOpt,
    grounds: Annotated[str, typer.Option()],
    json_: JsonOpt = False,
) -> None:
    """Appeal a decision (the protectee, or a liaison with consent)."""
    s = state(ctx)
    appeal = appeals.lodge(s.uow(), decision, by, grounds, s.clock)
    if json_:
        emit(views.appeal_view(appeal))
    else:
        typer.echo(appeal.id)


@appeal_app.command("decide")
@translating
def appeal_decide(
    ctx: typer.Context,
    appeal: str,
    outcome: Annotated[AppealOutcome, typer.Option(help="upheld: the decision stands.")],
    reason: Annotated[str, typer.Option()],
    by: ByOpt,
    json_: JsonOpt = False,
) -> None:
    """The committee decides an appeal; overturning undoes the decision."""
    s = state(ctx)
    decided = appeals.decide_appeal(s.uow(), appeal, outcome, reason, by, s.clock)
    if json_:
        emit(views.appeal_view(decided))
        return
    undone = f"; restored by {decided.restoring_decision}" if decided.restoring_decision else ""
    typer.echo(f"{appeal} {outcome.value} by {by}{undone}")


@appeal_app.command("list")
@translating
def appeal_list(
    ctx: typer.Context,
    protectee: Annotated[str | None, typer.Option()] = None,
    json_: JsonOpt = False,
) -> None:
    """Appeals, open and decided."""
    with state(ctx).uow() as uow:
        found = uow.repo.appeals(protectee)
    if json_:
        emit([views.appeal_view(a) for a in found])
        return
    for a in found:
        typer.echo(
            f"{a.id} against {a.decision_id} by {a.lodged_by} at {utc_text(a.lodged_at)}: "
            f"{a.outcome.value if a.outcome else 'open'}"
        )


@app.command("ratify")
@translating
def ratify_(
    ctx: typer.Context,
    decision: str,
    by: ByOpt,
    reason: Annotated[str, typer.Option()],
    refuse: Annotated[bool, typer.Option("--refuse", help="Refuse, restoring the cover.")] = False,
) -> None:
    """The committee ratifies an emergency decision, or refuses it."""
    s = state(ctx)
    found = emergencies.ratify(s.uow(), decision, by, refuse, reason, s.clock)
    verdict = "refused; previous cover restored" if refuse else "ratified"
    typer.echo(f"{found.id} {verdict} by {by}")


@report_app.command("resolve")
@translating
def report_resolve(
    ctx: typer.Context,
    report: str,
    outcome: Annotated[str, typer.Option(help="restored, decision-recorded or unfounded.")],
    reason: Annotated[str, typer.Option()],
    by: ByOpt,
    decision: Annotated[str | None, typer.Option(help="For decision-recorded.")] = None,
) -> None:
    """Resolve a ground report."""
    s = state(ctx)
    registry_entries.resolve(s.uow(), report, outcome, reason, by, s.clock, decision)
    typer.echo(f"{report} resolved: {outcome}")


def period(s: State, start: str | None, end: str | None) -> tuple[datetime, datetime]:
    """--from / --to, by default the year up to now."""
    now = s.clock()
    to = instant(end, "--to") or now
    return instant(start, "--from") or to - timedelta(days=365), to


FromOpt = Annotated[
    str | None, typer.Option("--from", help="Start, with offset (default: a year ago).")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="End, with offset (default: now).")]


@audit_app.command("fairness")
@translating
def audit_fairness(
    ctx: typer.Context, from_: FromOpt = None, to: ToOpt = None, json_: JsonOpt = False
) -> None:
    """Withdrawals and downgrades by affiliation within cohorts, with an exact test, and
    clusters; every finding with its evidence."""
    s = state(ctx)
    start, end = period(s, from_, to)
    result = audits.fairness(s.uow(), start, end, s.clock())
    if json_:
        emit(result.as_dict())
    else:
        from hifazat import console

        console.fairness_tables(result)


@app.command("capacity")
@translating
def capacity_(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Officers and vehicles committed against each provider's sanctioned pool, now and after
    pending decisions; cover with no valid basis."""
    s = state(ctx)
    found = audits.capacity_at(s.uow(), s.clock())
    if json_:
        emit([c.as_dict() for c in found])
    else:
        from hifazat import console

        console.capacity_table(found)


@app.command("cost")
@translating
def cost_(
    ctx: typer.Context,
    from_: FromOpt = None,
    to: ToOpt = None,
    officer_day_rate: Annotated[
        float | None, typer.Option(help="Recovery per officer-day.")
    ] = None,
    vehicle_day_rate: Annotated[
        float | None, typer.Option(help="Recovery per vehicle-day.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Officer-days and vehicle-days per provider and protectee; recoverable for private persons."""
    s = state(ctx)
    start, end = period(s, from_, to)
    result = audits.cost_over(s.uow(), start, end, s.clock(), officer_day_rate, vehicle_day_rate)
    if json_:
        emit(result.as_dict())
    else:
        from hifazat import console

        console.cost_table(result)


@ledger_app.command("public-key")
@translating
def ledger_public_key(ctx: typer.Context) -> None:
    """The verifier key that checks checkpoints and receipts (signed-note format)."""
    typer.echo(state(ctx).signer().verifier().text())


@ledger_app.command("checkpoint")
@translating
def ledger_checkpoint(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Sign a checkpoint (tree head) over every entry so far."""
    s = state(ctx)
    made = ledger.make_checkpoint(s.uow(), s.signer(), s.clock())
    if json_:
        emit(
            {
                "tree_size": made.size,
                "root": base64.b64encode(made.root).decode(),
                "new": made.new,
                "checkpoint": made.note,
            }
        )
    else:
        typer.echo(made.note, nl=False)


@ledger_app.command("proof")
@translating
def ledger_proof(
    ctx: typer.Context,
    decision: str,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Receipt file.")] = None,
) -> None:
    """Write the receipt of a decision: its entry, inclusion path and signed checkpoint."""
    s = state(ctx)
    text = json.dumps(ledger.receipt(s.uow(), decision, s.signer(), s.clock()), indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"receipt for {decision} written to {output}")


@ledger_app.command("check-receipt")
@translating
def ledger_check_receipt(
    file: Path,
    key: Annotated[str, typer.Option(help="Verifier key text, or a file holding it.")],
    json_: JsonOpt = False,
) -> None:
    """Check a receipt offline, with nothing but the verifier key."""
    key_text = Path(key).read_text(encoding="utf-8").strip() if Path(key).is_file() else key
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise fail(f"{file}: {error.strerror}", 1) from None
    result = check_receipt(text, key_text)
    if json_:
        emit(
            {
                "ok": True,
                "seq": result.seq,
                "kind": result.kind,
                "at": utc_text(result.at),
                "actor": result.actor,
                "payload": dict(result.payload),
                "tree_size": result.tree_size,
                "origin": result.origin,
            }
        )
        return
    typer.echo(
        f"receipt verifies: entry {result.seq} ({result.kind}) by {result.actor} at "
        f"{utc_text(result.at)}, included in {result.origin} at size {result.tree_size}"
    )


@ledger_app.command("verify")
@translating
def ledger_verify(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Option(help="Verifier key (default: from the key file).")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Recompute every entry from the records and check the tree and every checkpoint."""
    s = state(ctx)
    verifier = Verifier.parse(key) if key else s.signer().verifier()
    report = verify(s.engine, verifier)
    if json_:
        emit(report.as_dict())
    elif report.ok:
        typer.echo(
            f"ledger verifies: {report.entries} entries, {report.checkpoints} checkpoints, "
            f"{report.rate:,.0f} entries/s"
        )
    if not report.ok:
        first = report.problems[0]
        more = len(report.problems) - 1
        raise fail(f"ledger: {first}" + (f" (and {more} more problems)" if more else ""), 1)


def main() -> None:
    try:
        app(obj=State())
    except KeyboardInterrupt:
        sys.exit(130)


__all__ = ["State", "app", "main"]
