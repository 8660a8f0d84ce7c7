"""The layered status of one protectee, now or at any past instant."""

from __future__ import annotations

from datetime import datetime

from hifazat.domain.status import Status, layered_status
from hifazat.services.oversight import flags_at
from hifazat.services.unit_of_work import UnitOfWork


def protectee_status(uow: UnitOfWork, protectee_id: str, at: datetime) -> Status:
    """What was in force at `at`, as it was known at `at`: later decisions do not leak back."""
    with uow.reading():
        return status_in(uow, protectee_id, at)


def status_in(uow: UnitOfWork, protectee_id: str, at: datetime) -> Status:
    """The same, inside a unit of work the caller holds (so that a permission check and the
    answer it guards read one snapshot)."""
    uow.read_ahead(protectee_id)
    repo = uow.repo
    protectee = repo.protectee(protectee_id)
    decisions = repo.decisions(protectee_id)
    flags = flags_at(uow, at, protectee_id)
    return layered_status(protectee, decisions, repo.providers(), at, flags)
