"""The pages. Each reads through the same guarded service functions as the API, and writes
through the same use cases: nothing here decides who may see or do what. One module an area;
this one gathers their routers."""

from __future__ import annotations

from fastapi import APIRouter

from hifazat.web import (
    appeals,
    deciding,
    home,
    language,
    oversight,
    protectees,
    reports,
    signin,
)

router = APIRouter(include_in_schema=False)
for area in (signin, language, home, protectees, deciding, appeals, reports, oversight):
    router.include_router(area.router)
