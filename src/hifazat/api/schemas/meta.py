"""Liveness and readiness."""

from __future__ import annotations

from hifazat.api.schemas.common import View


class Health(View):
    ok: bool
    version: str


class CheckView(View):
    ok: bool
    detail: str


class Readiness(View):
    ready: bool
    checks: dict[str, CheckView]
