"""The pages. Each reads through the same guarded service functions as the API, and writes
through the same use cases: nothing here decides who may see or do what. One module an area;
this one gathers their routers."""

from __future__ import annotations

from fastapi import APIRouter

from hifazat.web import (
    appeals,
    assessments,
    deciding,
    directory,
    duty,
    home,
    language,
    oversight,
    protectees,
    registrar,
    reports,
    retaliation,
    reviews,
    signin,
    transparency,
)

router = APIRouter(include_in_schema=False)
AREAS = (
    signin,
    language,
    home,
    directory,
    protectees,
    deciding,
    reviews,
    appeals,
    reports,
    oversight,
    retaliation,
    assessments,
    registrar,
    duty,
    transparency,
)
for area in AREAS:
    router.include_router(area.router)
