"""Flags, reviews, appeals and ground reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from hifazat.api.deps import IDEMPOTENT, Reg, Who, idempotent
from hifazat.api.paging import Limit, Offset, page
from hifazat.api.schemas import (
    AppealBody,
    AppealPage,
    AppealRulingBody,
    AppealView,
    FlagPage,
    ReportBody,
    ReportPage,
    ReportView,
    ResolveBody,
    ReviewBody,
    ReviewDuePage,
    ReviewRecorded,
)
from hifazat.domain.appeal import AppealOutcome
from hifazat.services import appeals, guarded, json_shapes, oversight, registry_entries, reviews

router = APIRouter(prefix="/api/v1")


@router.get("/flags", operation_id="flags_list", tags=["flags"])
def flags(reg: Reg, who: Who, limit: Limit = 50, offset: Offset = 0) -> FlagPage:
    """Every open flag the user may see."""
    found = guarded.read_flags(reg.uow(), who.need("flag.read"), reg.clock())
    return FlagPage.model_validate(page(found, limit, offset))


@router.get("/reviews/due", operation_id="reviews_due", tags=["reviews"])
def reviews_due(
    reg: Reg,
    who: Who,
    within_days: Annotated[int, Query(ge=0, le=3650)] = 30,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ReviewDuePage:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("review.due"), "review.due")
    queue = oversight.reviews_due(reg.uow(), reg.clock(), timedelta(days=within_days))
    return ReviewDuePage.model_validate(
        page([json_shapes.review_view(item) for item in queue], limit, offset)
    )


@router.post(
    "/reviews",
    status_code=201,
    response_model=ReviewRecorded,
    operation_id="reviews_record",
    dependencies=[IDEMPOTENT],
    tags=["reviews"],
)
def review(body: ReviewBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    user = who.need("review.record")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate_decision(uow, user, "review.record", body.coverage)
        done = reviews.review(
            reg.uow(), body.coverage, body.outcome, body.reason, user.id, reg.clock, body.category
        )
        recorded = ReviewRecorded.model_validate(
            {
                "review": done.review.id,
                "outcome": done.review.outcome,
                "decision": done.decision.id if done.decision else None,
            }
        )
        return 201, recorded.wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.get("/protectees/{pid}/appeals", operation_id="appeals_list", tags=["appeals"])
def appeal_list(pid: str, reg: Reg, who: Who, limit: Limit = 50, offset: Offset = 0) -> AppealPage:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("appeal.read"), "appeal.read", pid)
        uow.repo.protectee(pid)
        found = [json_shapes.appeal_view(a) for a in uow.repo.appeals(pid)]
    return AppealPage.model_validate(page(found, limit, offset))


@router.post(
    "/appeals",
    status_code=201,
    response_model=AppealView,
    operation_id="appeals_lodge",
    dependencies=[IDEMPOTENT],
    tags=["appeals"],
)
def lodge(body: AppealBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    """The protectee, or a liaison with their consent, appeals a decision."""
    user = who.need("appeal.lodge")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate_decision(uow, user, "appeal.lodge", body.decision)
        appeal = appeals.lodge(reg.uow(), body.decision, user.id, body.grounds, reg.clock)
        return 201, AppealView.model_validate(json_shapes.appeal_view(appeal)).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.post(
    "/appeals/{appeal_id}/decide",
    response_model=AppealView,
    operation_id="appeals_rule",
    dependencies=[IDEMPOTENT],
    tags=["appeals"],
)
def rule(
    appeal_id: str, body: AppealRulingBody, request: Request, reg: Reg, who: Who
) -> JSONResponse:
    user = who.need("appeal.decide")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate_appeal(uow, user, "appeal.decide", appeal_id)
        decided = appeals.decide_appeal(
            reg.uow(), appeal_id, AppealOutcome(body.outcome), body.reason, user.id, reg.clock
        )
        return 200, AppealView.model_validate(json_shapes.appeal_view(decided)).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.get(
    "/protectees/{pid}/ground-reports", operation_id="ground_reports_list", tags=["ground-reports"]
)
def report_list(pid: str, reg: Reg, who: Who, limit: Limit = 50, offset: Offset = 0) -> ReportPage:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("report.read"), "report.read", pid)
        uow.repo.protectee(pid)
        found = [json_shapes.report_view(r) for r in uow.repo.discrepancies(pid)]
    return ReportPage.model_validate(page(found, limit, offset))


@router.post(
    "/ground-reports",
    status_code=201,
    response_model=ReportView,
    operation_id="ground_reports_file",
    dependencies=[IDEMPOTENT],
    tags=["ground-reports"],
)
def report(body: ReportBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    """A ground report: what is deployed differs from what is authorised."""
    user = who.need("report.file")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate(uow, user, "report.file", body.protectee)
        new = registry_entries.NewReport(
            body.protectee, body.provider, user.id, body.observed_at, body.text
        )
        filed = registry_entries.report_discrepancy(reg.uow(), new, reg.clock)
        return 201, ReportView.model_validate(json_shapes.report_view(filed)).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.post(
    "/ground-reports/{report_id}/resolve",
    response_model=ReportView,
    operation_id="ground_reports_resolve",
    dependencies=[IDEMPOTENT],
    tags=["ground-reports"],
)
def resolve(
    report_id: str, body: ResolveBody, request: Request, reg: Reg, who: Who
) -> JSONResponse:
    user = who.need("report.resolve")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate_report(uow, user, "report.resolve", report_id)
        done = registry_entries.resolve(
            reg.uow(), report_id, body.outcome, body.reason, user.id, reg.clock, body.decision
        )
        return 200, ReportView.model_validate(json_shapes.report_view(done)).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)
