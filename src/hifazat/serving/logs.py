"""The server's and the worker's log lines: one JSON object per line (python-json-logger) for a
log shipper, or plain text for a person at a terminal (HIFAZAT_LOG_FORMAT=text).

Every line written while a request is served carries that request's id: the caller's
`X-Request-ID` where it sent a sensible one (so a line can be followed from a proxy or a client
into the registry), else one made here; the response says which. The access line names the
route's template, never the path: a path can hold a protectee's id, and a log is read by more
people than need to know who is protected. A line never carries a secret or a request body."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from typing import Any, Literal

from starlette.types import Scope

LogFormat = Literal["json", "text"]
HEADER = "X-Request-ID"
#: a caller's id is kept only if it is short and plain (it is echoed and logged)
_SENSIBLE = re.compile(r"[A-Za-z0-9._:-]{1,64}")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "hifazat_request_id", default=None
)

TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"

access = logging.getLogger("hifazat.access")


def request_id() -> str | None:
    """The id of the request being served in this context, if any."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record ('-' outside a request), and takes off
    uvicorn's coloured copy of its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        # uvicorn's terminal colouring of its own messages: noise in a JSON line
        record.__dict__.pop("color_message", None)
        return True


def formatter(fmt: LogFormat) -> logging.Formatter:
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter(
            JSON_FIELDS,
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            json_ensure_ascii=False,
        )
    return logging.Formatter(TEXT)


def handler(fmt: LogFormat, stream: Any = None) -> logging.Handler:
    """A handler on `stream` (stderr) writing `fmt` lines with the request id."""
    h = logging.StreamHandler(stream)
    h.setFormatter(formatter(fmt))
    h.addFilter(RequestIdFilter())
    return h


def uvicorn_config(fmt: LogFormat, level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` for `uvicorn.run(log_config=...)`: the registry's loggers
    and uvicorn's own in one format on stderr. Given to uvicorn (not applied here) so that each
    of `serve --workers`' processes applies it too. uvicorn's access log is off: `serving.observed`
    writes `hifazat.access` lines, which name the route, not the path."""
    if fmt == "json":
        chosen: dict[str, Any] = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "json_ensure_ascii": False,
        }
    else:
        chosen = {"format": TEXT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "hifazat.serving.logs.RequestIdFilter"}},
        "formatters": {"chosen": chosen},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "chosen",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "hifazat": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


#: where the scope keeps the request's id, for what runs after the context is left (a bug's 500
#: is answered outside every middleware but Starlette's outermost)
SCOPE_KEY = "hifazat.request_id"


def begin(scope: Scope) -> tuple[str, contextvars.Token[str | None]]:
    """Gives the request its id for this context: the caller's, when sensible, else a new one."""
    sent = _header(scope)
    rid = sent if sent and _SENSIBLE.fullmatch(sent) else uuid.uuid4().hex
    scope[SCOPE_KEY] = rid
    return rid, _request_id.set(rid)


def id_of(scope: Scope) -> str | None:
    """The id `begin` gave this request, in or out of its context."""
    found = scope.get(SCOPE_KEY)
    return found if isinstance(found, str) else None


def route_of(scope: Scope) -> str:
    """The matched route's template, which a log line may carry where the path may not (a path
    can name a protectee); a static file is one route; anything else `unmatched`."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    if scope.get("path", "").startswith("/static/"):
        return "/static"
    return "unmatched"


def end(
    token: contextvars.Token[str | None], method: str, route: str, status: int, seconds: float
) -> None:
    """Writes the request's access line (the route's template, never its path) and leaves its
    context."""
    access.info(
        "%s %s %d",
        method,
        route,
        status,
        extra={
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
        },
    )
    _request_id.reset(token)


def _header(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            try:
                return str(value.decode("ascii"))
            except UnicodeDecodeError:
                return None
    return None
