"""Errors on pages: a page, not JSON; a sign-in form for whoever is not signed in."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from hifazat.access import redaction
from hifazat.domain.errors import DomainError, InvalidInput, Outcome, Refusal
from hifazat.domain.words import N_
from hifazat.services import guarded
from hifazat.serving.requests import Registry, of_request
from hifazat.web.pages import render, zone_of
from hifazat.web.session import SignInFirst, Visitor, visitor
from hifazat.web.speech import speaker

#: each kind of error (domain.errors.Outcome) as a page answers it; a 401 sends the visitor to
#: sign in
STATUSES: dict[Outcome, int] = {
    Outcome.REFUSED: 422,
    Outcome.INVALID: 422,
    Outcome.NOT_FOUND: 404,
    Outcome.CONFLICT: 409,
    Outcome.FORBIDDEN: 403,
    Outcome.UNAUTHENTICATED: 401,
}

#: each page's title, translated where it is shown
TITLES = {
    401: N_("Sign in"),
    403: N_("Not yours to see"),
    404: N_("Not found"),
    409: N_("Already done"),
    422: N_("Refused"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Unavailable for a moment"),
}

#: refusals explained in the reader's words rather than the service's message, which names the
#: user's login and the action's internal name ("ssu-operator may not propose decision here") and
#: says nothing a reader can act on; the page then lists what they may use instead
EXPLAINED = {
    403: N_("Your role does not let you open this page or do this."),
    404: N_("There is no such page, or nothing here by that name."),
}

#: answers given when the database cannot serve, or must be spared: their page does not ask it
#: for the policy's time zone
WITHOUT_DATABASE = frozenset({429, 500, 503})


def domain_error_page(request: Request, error: DomainError) -> Response:
    """The domain's error as a page: its kind's status; in words as the service said them, which
    `html_error` says again in the reader's language where it can."""
    if isinstance(error, Refusal):  # as anyone may read it, until the reader is known
        message = redaction.unknown_reader(error.violations[0])["message"]
    else:
        message = error.message if isinstance(error, InvalidInput) else str(error)
    return html_error(request, STATUSES[error.outcome], message, error)


def html_error(
    request: Request, status: int, message: str, error: DomainError | None = None
) -> Response:
    if status == 401:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    reg = of_request(request)
    spare = status in WITHOUT_DATABASE
    zone = "UTC" if spare else zone_of(reg.uow())
    who = None if spare else _signed_in(request, reg)
    if error is not None and not spare:
        message = _spoken(request, reg, who, zone, error, message)
    return render(
        request,
        "error.html.j2",
        zone,
        status=status,
        who=who,
        title=TITLES.get(status, N_("Error")),
        message=message,
        explained=EXPLAINED.get(status),
        retry=status in (429, 503),
    )


def _spoken(
    request: Request, reg: Registry, who: Visitor | None, zone: str, error: DomainError, said: str
) -> str:
    """The error in the reader's language where it is kept as words: a refusal's rules as this
    reader may see them (redacted), a field's error; anything else as the service said it."""
    speak = speaker(request, who, zone)
    if isinstance(error, Refusal) and who is not None:
        shown = guarded.violations_for(reg.uow(), who.user, error.violations, speak)
        return "; ".join(f"{v['rule']}: {v['message']}" for v in shown)
    if isinstance(error, InvalidInput) and error.said is not None:
        return speak(error.said)
    return said


def _signed_in(request: Request, reg: Registry) -> Visitor | None:
    """Whoever is signed in, so that a refusal keeps them signed in and shows what they may
    use; nobody where there is no live session."""
    try:
        return visitor(request, reg)
    except SignInFirst:
        return None
