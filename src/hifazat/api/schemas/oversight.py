"""Reviews, appeals, ground reports and notices sent again."""

from __future__ import annotations

from typing import Annotated

from hifazat.api.schemas.common import Page, Utc, View
from hifazat.api.schemas.registry import CoverView, FlagView
from hifazat.domain.appeal import AppealOutcome
from hifazat.domain.decision import Action
from hifazat.domain.discrepancy import RESOLUTIONS
from hifazat.domain.review import CONFIRMED
from hifazat.services.schema import OneOf

#: a review confirms the cover, or names the action of the decision it proposes
ReviewOutcome = Annotated[str, OneOf([CONFIRMED, *Action])]


class ReviewDueView(CoverView):
    """An open cover and when it is next to be examined."""

    protectee: str
    last_examined: Utc
    due: Utc
    overdue: bool


class ReviewRecorded(View):
    review: str
    outcome: ReviewOutcome
    #: the decision the review proposed, where its outcome changes the cover
    decision: str | None


class AppealView(View):
    appeal: str
    decision: str
    protectee: str
    lodged_by: str
    lodged_at: Utc
    grounds: str
    outcome: AppealOutcome | None
    decided_by: str | None
    decided_at: Utc | None
    reason: str | None
    restoring_decision: str | None


class ReportView(View):
    """A ground report: what is deployed differs from what is authorised."""

    report: str
    protectee: str
    provider: str
    reported_by: str
    observed_at: Utc
    reported_at: Utc
    text: str
    resolution: Annotated[str, OneOf(RESOLUTIONS)] | None
    resolved_by: str | None
    resolved_at: Utc | None
    resolution_reason: str | None
    resolution_decision: str | None


class NoticeRequeued(View):
    notice: str
    state: str
    attempts: int
    next_attempt_at: Utc | None
    requeued_by: str
    reason: str


class FlagPage(Page[FlagView]):
    pass


class ReviewDuePage(Page[ReviewDueView]):
    pass


class AppealPage(Page[AppealView]):
    pass


class ReportPage(Page[ReportView]):
    pass
