"""The HTTP API: `create_app` builds it for `hifazat serve`, the demo and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from hifazat import __version__
from hifazat.api import errors
from hifazat.api.deps import Registry
from hifazat.api.routers import (
    audits,
    auth,
    decisions,
    ledger,
    notices,
    oversight,
    public,
    registry,
    users,
)
from hifazat.domain.times import Clock, system_clock
from hifazat.ledger.keys import KeyFileError
from hifazat.services.ledger import make_checkpoint
from hifazat.settings import ServerSettings
from hifazat.store.engine import make_engine
from hifazat.web import routes as pages
from hifazat.web.errors import html_error
from hifazat.web.session import SignInFirst

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"

log = logging.getLogger("hifazat.api")


def create_app(
    settings: ServerSettings | None = None,
    clock: Clock = system_clock,
    engine: Any = None,
    periodic: bool = True,
) -> FastAPI:
    settings = settings or ServerSettings()
    reg = Registry(engine or make_engine(settings.database_url), clock, settings)

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
    )
    app.state.registry = reg
    errors.install(app, html=html_error)
    for module in (auth, registry, decisions, oversight, audits, ledger, users, public, notices):
        app.include_router(module.router)
    app.include_router(pages.router)
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

    @app.get("/api/v1/health", tags=["meta"])
    def health() -> JSONResponse:
        return JSONResponse({"ok": True, "version": __version__})

    return app


async def _checkpoints(reg: Registry) -> None:
    """Signs a checkpoint every few minutes, so receipts never wait long for one."""
    while True:
        await asyncio.sleep(reg.settings.checkpoint_seconds)
        try:
            signer = reg.signer()
            await asyncio.to_thread(make_checkpoint, reg.uow(), signer, reg.clock())
        except KeyFileError as error:
            log.error("no checkpoint: %s", error)
        except Exception:  # a failed round must not end the loop; the next one retries
            log.exception("checkpoint failed")
