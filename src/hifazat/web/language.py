"""The language switch on every page: the reader's choice, kept in a cookie, then back to the
page they were reading."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from hifazat.domain.fields import check_language
from hifazat.web.forms import same_site_path
from hifazat.web.pages import LANGUAGE_COOKIE

router = APIRouter(include_in_schema=False)


@router.get("/language/{code}")
def switch_language(code: str, next: str = "/") -> Response:
    check_language(code)
    response = RedirectResponse(same_site_path(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, path="/", samesite="lax", httponly=True
    )
    return response
