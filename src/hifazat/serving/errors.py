"""The one shape of an error body, for the API and for what the pages answer under /api."""

from __future__ import annotations

from typing import Any


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


#: paths outside /api that a program calls, and that answer errors in JSON too
MACHINE_PATHS = frozenset({"/metrics"})


def answers_json(path: str) -> bool:
    """Whether an error at `path` is JSON (a program's: the API, the scrape) or a page."""
    return path.startswith("/api") or path in MACHINE_PATHS
