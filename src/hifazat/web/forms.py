"""What every form handler shares: form fields, the redirect after a change, and the wall-clock
time a person types, read in the deployment's zone."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Form
from fastapi.responses import RedirectResponse

from hifazat.domain.errors import InvalidInput
from hifazat.domain.times import require_aware

Field = Annotated[str, Form()]
Optional = Annotated[str, Form()]


def see_other(url: str) -> RedirectResponse:
    """After a change, the browser fetches the page that shows it (so a reload repeats nothing)."""
    return RedirectResponse(url, status_code=303)


def local_input(text: str, zone: str, field: str = "effective_at") -> datetime | None:
    """A datetime-local field: wall time where the policy applies, within the registry's range."""
    if not text:
        return None
    try:
        wall = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date and time") from None
    return require_aware(wall.replace(tzinfo=ZoneInfo(zone)), field)


def same_site_path(path: str) -> str:
    """Only a path on this site: not //host, nor /\\host, which browsers read as another site."""
    return path if path.startswith("/") and path[1:2] not in ("/", "\\") else "/"
