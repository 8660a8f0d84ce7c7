"""`/metrics`: what a Prometheus server scrapes. Counts, never a name; even so, an admin's
alone, through a token scoped `metrics` (which reads nothing else), so the scraper's credential
opens no record. docs/operations.md lists every figure."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hifazat.api.deps import Reg, Who
from hifazat.services import guarded
from hifazat.serving.metrics import CONTENT_TYPE, Metrics

router = APIRouter()


@router.get(
    "/metrics",
    operation_id="meta_metrics",
    tags=["meta"],
    response_class=Response,
    # operations', not the versioned API's: its names are docs/operations.md's contract
    include_in_schema=False,
)
def metrics(request: Request, reg: Reg, who: Who) -> Response:
    """This node's HTTP figures and the registry's (decisions, refusals, notices, the
    ledger), in the Prometheus text format."""
    with reg.uow() as uow:
        guarded.gate(uow, who.need("metrics.read"), "metrics.read")
    found = request.app.state.metrics
    assert isinstance(found, Metrics)
    return Response(found.render(), media_type=CONTENT_TYPE)
