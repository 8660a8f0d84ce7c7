"""The database, users, the server and the demo."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from hifazat.bootstrap import URL_ENV, database_url, upgrade
from hifazat.cli.core import (
    JsonOpt,
    app,
    channels_app,
    db_app,
    emit,
    fail,
    state,
    translating,
    users_app,
)
from hifazat.domain.fields import DEFAULT_LANGUAGE, shown
from hifazat.domain.users import User
from hifazat.ledger.keys import KeyFileError, ensure_key, load_signer
from hifazat.services import (
    auth,
    json_shapes,
    oversight,
    users,
)
from hifazat.services.status import protectee_status
from hifazat.serving.logs import uvicorn_config
from hifazat.serving.metrics import MULTIPROCESS_ENV
from hifazat.settings import KEY_ENV, ledger_key_path, ledger_name


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
    from hifazat.cli import console
    from hifazat.cli.demo import create_demo, demo_password

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

    from hifazat.bootstrap.app import create_app
    from hifazat.settings import ServerSettings

    settings = ServerSettings(
        database_url=url, ledger_key=key, secure_cookies=False, checkpoint_seconds=5
    )
    import threading

    from hifazat.cli.delivery import run_forever
    from hifazat.notify.settings import SmtpSettings

    stop = threading.Event()
    notices = threading.Thread(
        target=run_forever,
        args=(s.engine, s.clock, "demo-worker", SmtpSettings(), 5.0, stop),
        daemon=True,
    )
    notices.start()
    console.out.print(
        f"\nServing the web UI and API on http://127.0.0.1:{port}/ (Ctrl-C stops);"
        " the notice worker runs alongside"
    )
    try:
        uvicorn.run(create_app(settings, s.clock), host="127.0.0.1", port=port, log_level="warning")
    finally:
        stop.set()


DEMO_NEXT = """
Next, against this registry (prefix each with: .venv/bin/hifazat --db {db}):
  decide withdraw --protectee farooq-sattar --provider sindh-police --by ssu-operator
      -> refused: R-REASON (no reason); only the attempt is kept, in the ledger
  decide withdraw --protectee farooq-sattar --provider sindh-police --by ssu-operator \\
      --reason-code court-order --reason "Sindh High Court ordered a security review"
  approve DECISION --by ssu-chief          (takes effect after the 72 h notice)
  status farooq-sattar --json · flags · reviews due
  audit retaliation --from 2025-06-01T00:00:00+05:00 --to 2026-02-28T00:00:00+05:00
      (MQM-P's public events against the cuts decided after them; web: /audit/retaliation)
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


@users_app.command("add")
@translating
def users_add(
    ctx: typer.Context,
    user_id: Annotated[str, typer.Argument(metavar="ID")],
    name: Annotated[str, typer.Option()],
    role: Annotated[list[str] | None, typer.Option(help="Repeat for several roles.")] = None,
    protectee: Annotated[str | None, typer.Option(help="For a protectee's own login.")] = None,
    by: Annotated[str | None, typer.Option(help="The admin acting.")] = None,
    language: Annotated[
        str, typer.Option(help="The language of their notices: en or ur.")
    ] = DEFAULT_LANGUAGE,
) -> None:
    """Add a user (admin only; the first admin may be added without --by)."""
    s = state(ctx)
    user = User(user_id, name, frozenset(role or []), protectee, language)
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


@users_app.command("language")
@translating
def users_language(
    ctx: typer.Context,
    user_id: Annotated[str, typer.Argument(metavar="ID")],
    language: Annotated[str, typer.Argument(metavar="LANGUAGE", help="en or ur")],
    by: Annotated[str | None, typer.Option(help="The admin acting.")] = None,
) -> None:
    """Set the language a user's notices are written in."""
    s = state(ctx)
    user = users.set_language(s.uow(), user_id, language, by, s.clock)
    typer.echo(f"{user.id}: notices in {user.language}")


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
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes sharing the port (one per core).")
    ] = 1,
) -> None:
    """Serve the HTTP API (settings from HIFAZAT_* environment variables). On SIGTERM it stops
    taking connections and lets the requests in flight finish (HIFAZAT_SHUTDOWN_SECONDS)."""
    import uvicorn

    from hifazat.bootstrap.app import create_app
    from hifazat.settings import ServerSettings

    s = state(ctx)
    try:
        settings = ServerSettings(database_url=database_url(s.url), ledger_key=s.key_path)
    except ValidationError as error:
        first = error.errors()[0]
        where = "HIFAZAT_" + ".".join(str(p) for p in first["loc"]).upper()
        raise fail(f"{where}: {first['msg'].removeprefix('Value error, ')}", 2) from None
    _usable_key(settings.key_path())
    bind: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": settings.log_level,
        "log_config": uvicorn_config(settings.log_format, settings.log_level.upper()),
        "access_log": False,  # serving.observed writes the access lines, without paths
        "timeout_graceful_shutdown": settings.shutdown_seconds,
    }
    if workers == 1:
        uvicorn.run(create_app(settings, s.clock), **bind)
        return
    # Each worker process builds its own app from the environment, so hand it these settings;
    # their HTTP figures meet in one folder, which /metrics adds up (prometheus-client's
    # multiprocess mode), emptied first so that a previous run's counts are not added in.
    os.environ[URL_ENV] = settings.database_url
    os.environ[KEY_ENV] = str(settings.key_path())
    os.environ.setdefault(MULTIPROCESS_ENV, tempfile.mkdtemp(prefix="hifazat-metrics-"))
    for stale in Path(os.environ[MULTIPROCESS_ENV]).glob("*.db"):
        stale.unlink()
    uvicorn.run("hifazat.bootstrap.app:create_app", factory=True, workers=workers, **bind)


def _usable_key(path: Path) -> None:
    """A server without its ledger key could record nothing and prove nothing: it does not
    start, and says which file and what to do."""
    try:
        load_signer(path)
    except KeyFileError as error:
        hint = (
            ""
            if path.exists()
            else f"; create it with `hifazat db upgrade`, or set {KEY_ENV} to where it is"
        )
        raise fail(f"{error}{hint}", 2) from None


@users_app.command("list")
@translating
def users_list(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Every user and their roles."""
    with state(ctx).uow() as uow:
        found = uow.repo.users()
    rows = [json_shapes.user_view(u) for u in found.values()]
    if json_:
        emit(rows)
        return
    for u in found.values():
        typer.echo(shown(f"{u.id:<24} {', '.join(sorted(u.roles)):<40} {u.name}", inline=True))


@app.command()
@translating
def worker(
    ctx: typer.Context,
    interval: Annotated[float, typer.Option(help="Seconds between passes when idle.")] = 5.0,
    once: Annotated[bool, typer.Option("--once", help="One pass, then stop.")] = False,
    webhooks_only: Annotated[
        bool,
        typer.Option(
            "--webhooks-only",
            help="Run without e-mail (no HIFAZAT_SMTP_HOST): e-mail channels fail and retry.",
        ),
    ] = False,
    batch: Annotated[int, typer.Option(min=1, max=50, help="Notices per claim.")] = 2,  # BATCH
) -> None:
    """Deliver notices from the outbox by e-mail (HIFAZAT_SMTP_*) and signed webhooks, with
    retries and back-off, each with the receipt of its change (the worker checkpoints with the
    ledger key where needed); any number of workers may run at once. Logs a line per claim,
    send, failure, retry and dead letter on stderr (see `cli.delivery`)."""
    from hifazat.cli.delivery import run_worker
    from hifazat.notify.addresses import allowed_ranges

    try:
        allowed_ranges()  # a malformed allow setting stops the worker before any pass
    except ValueError as error:
        raise fail(str(error), 2) from None
    run_worker(state(ctx), interval, once, webhooks_only, batch)


@channels_app.command("add")
@translating
def channels_add(
    ctx: typer.Context,
    owner: Annotated[str, typer.Argument(help="A user id, or a protectee id.")],
    kind: Annotated[str, typer.Option(help="email or webhook.")],
    address: Annotated[str, typer.Option(help="The e-mail address or the https URL.")],
    by: Annotated[str, typer.Option(help="The admin acting.")],
) -> None:
    """Where a user's or a protectee's notices are delivered. A webhook gets its own signing
    secret, shown once."""
    from hifazat.notify.addresses import check_registered
    from hifazat.services.channels import add_channel

    s = state(ctx)
    made = add_channel(s.uow(), owner, kind, address, by, s.clock(), check_registered)
    typer.echo(f"{made.id}: {made.kind} for {made.owner}")
    if made.secret:
        typer.echo(f"webhook signing secret (shown once): {made.secret}")
