"""What every form handler shares: form fields, the redirect after a change, and the wall-clock
time a person types, read in the deployment's zone."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Form
from fastapi.responses import RedirectResponse

from hifazat.domain.errors import InvalidInput
from hifazat.domain.said import Said
from hifazat.domain.times import require_aware
from hifazat.domain.words import N_

Field = Annotated[str, Form()]
Optional = Annotated[str, Form()]


def see_other(url: str) -> RedirectResponse:
    """After a change, the browser fetches the page that shows it (so a reload repeats nothing)."""
    return RedirectResponse(url, status_code=303)


#: Urdu's and Arabic's digits, as a phone keyboard types them, read as the digits they are
DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
#: the forms a person may type a time in: day first, as Pakistan writes it; or the ISO form a
#: browser's own date picker sends
TYPED = ("%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")


def local_input(text: str, zone: str, field: str = "effective_at") -> datetime | None:
    """A typed date and time: wall time where the policy applies, within the registry's range.
    Empty is None (the caller's default: now, or the soonest lawful time)."""
    typed = " ".join(text.translate(DIGITS).split())
    if not typed:
        return None
    for form in TYPED:
        try:
            wall = datetime.strptime(typed, form)
            break
        except ValueError:
            continue
    else:
        try:
            wall = datetime.fromisoformat(typed)
        except ValueError:
            raise InvalidInput(
                field,
                Said(
                    N_("{typed} is not a date and time: write it as day/month/year hour:minute"),
                    typed=repr(text),
                ),
            ) from None
        if wall.tzinfo is not None:
            return require_aware(wall, field)
    return require_aware(wall.replace(tzinfo=ZoneInfo(zone)), field)


def same_site_path(path: str) -> str:
    """Only a path on this site: not //host, nor /\\host, which browsers read as another site."""
    return path if path.startswith("/") and path[1:2] not in ("/", "\\") else "/"
