"""The HTTP app: the API and the web pages put together on one `Runtime`, for `hifazat serve`,
the demo and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from hifazat import __version__
from hifazat.api import contract, errors
from hifazat.api.deps import principal
from hifazat.api.routers import (
    audits,
    auth,
    decisions,
    deployment,
    events,
    ledger,
    metrics,
    notices,
    oversight,
    protectees,
    public,
    users,
)
from hifazat.api.schemas import CheckView, Health, Readiness
from hifazat.bootstrap import Runtime
from hifazat.domain.times import Clock, system_clock
from hifazat.ledger.keys import KeyFileError
from hifazat.services import witnessing
from hifazat.services.ledger import make_checkpoint
from hifazat.serving import ratelimit
from hifazat.serving.errors import error_body
from hifazat.serving.metrics import Metrics
from hifazat.serving.observed import Observed
from hifazat.serving.public_reports import PublicReports
from hifazat.serving.readiness import Check, key_check
from hifazat.settings import ServerSettings
from hifazat.store import gauges
from hifazat.store.engine import make_engine
from hifazat.store.faults import fault_of
from hifazat.store.health import database_problem
from hifazat.web import routes as pages
from hifazat.web.errors import domain_error_page, html_error
from hifazat.web.session import SignInFirst, visitor
from hifazat.witness import client as witness_client

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"

log = logging.getLogger("hifazat.api")


def create_app(
    settings: ServerSettings | None = None,
    clock: Clock = system_clock,
    engine: Any = None,
    periodic: bool = True,
) -> FastAPI:
    settings = settings or ServerSettings()
    replica = settings.database_replica_url
    reg = Runtime(
        engine or make_engine(settings.database_url),
        clock,
        settings,
        replica=make_engine(replica) if replica else None,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_checkpoints(reg)) if periodic else None
        yield
        if task is not None:
            task.cancel()

    app = FastAPI(
        title="Hifazat",
        version=__version__,
        description="The accountable registry of protective security.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(ratelimit.rate_limit)],
    )
    app.state.registry = reg
    app.state.public_reports = PublicReports(
        settings.report_cache_size, settings.report_cache_seconds
    )
    app.state.rate_limiter = ratelimit.RateLimiter(ratelimit.Limits.of(settings))
    app.state.metrics = Metrics(lambda: gauges.read(reg.engine, reg.clock()))
    errors.install(app, html=html_error, domain=domain_error_page)
    errors.install_faults(app, settings.retry_after_seconds, fault_of, html=html_error)
    ratelimit.install(app, frozenset({principal, visitor}), html=html_error)
    for module in (
        auth, protectees, decisions, oversight, audits, ledger, users, public, notices,
        deployment, events, metrics,
    ):  # fmt: skip
        app.include_router(module.router)
    app.include_router(pages.router)
    contract.install(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.exception_handler(SignInFirst)
    def _sign_in(_: Request, error: SignInFirst) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(str(error))}", status_code=303)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        return response

    # outermost, so that its time and status are what the client met, errors included
    app.add_middleware(Observed, metrics=app.state.metrics.http)

    @app.get("/api/v1/health", tags=["meta"], response_model=Health, operation_id="meta_health")
    def health() -> Health:
        """Liveness: the process answers. It asks nothing of the database (see /api/v1/ready)."""
        return Health(ok=True, version=__version__)

    @app.get(
        "/api/v1/ready",
        tags=["meta"],
        operation_id="meta_ready",
        response_model=Readiness,
        responses={503: {"description": "Not ready: a check failed, and says which"}},
    )
    def ready() -> Response:
        """Readiness: the database answers and takes changes, and the ledger key is present,
        owner-only and parses; 503 naming what is not, without paths."""
        checks = {
            "database": _database_check(reg.engine),
            "ledger_key": key_check(settings.key_path()),
        }
        answer = Readiness(
            ready=all(c.ok for c in checks.values()),
            checks={name: CheckView(ok=c.ok, detail=c.detail) for name, c in checks.items()},
        )
        if answer.ready:
            return JSONResponse(answer.wire())
        failing = "; ".join(f"{name}: {c.detail}" for name, c in checks.items() if not c.ok)
        body = {**answer.wire(), **error_body("UNAVAILABLE", f"not ready: {failing}")}
        return JSONResponse(
            body, status_code=503, headers={"Retry-After": str(settings.retry_after_seconds)}
        )

    return app


def _database_check(engine: Engine) -> Check:
    problem = database_problem(engine)
    return Check(problem is None, problem or "answers, and accepts changes")


async def _checkpoints(reg: Runtime) -> None:
    """Signs a checkpoint every few minutes, so receipts never wait long for one, and asks the
    policy's witnesses to cosign it (each with its own back-off; none holds up a decision)."""
    backoff = witnessing.Backoff(float(reg.settings.checkpoint_seconds))
    while True:
        await asyncio.sleep(reg.settings.checkpoint_seconds)
        try:
            signer = reg.signer()
            await asyncio.to_thread(make_checkpoint, reg.uow(), signer, reg.clock())
        except KeyFileError as error:
            log.error("no checkpoint: %s", error)
        except Exception:  # a failed round must not end the loop; the next one retries
            log.exception("checkpoint failed")
        try:
            await asyncio.to_thread(_witness_round, reg, backoff)
        except Exception:
            log.exception("asking the witnesses failed")


def _witness_round(reg: Runtime, backoff: witnessing.Backoff) -> None:
    urls = witnessing.parse_urls(reg.settings.witness_urls)
    found = witnessing.witnesses(reg.uow(), urls)
    due = backoff.due(found.reachable, time.monotonic())
    if due:
        asked = witnessing.gather(reg.uow(), due, witness_client.post, reg.clock())
        backoff.record(asked, time.monotonic())
