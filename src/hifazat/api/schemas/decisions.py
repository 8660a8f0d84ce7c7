"""Decisions, their receipts, and the ledger's checkpoints."""

from __future__ import annotations

from typing import Annotated

from hifazat.api.schemas.common import Page, Utc, View
from hifazat.domain.decision import Action, Basis, DecisionState
from hifazat.services.schema import OneOf


class StepView(View):
    """One approval of the decision's chain."""

    step: int
    role: str
    approved_by: str
    approved_at: Utc


class HoldView(View):
    """The appeal that holds (or held) an approved decision before it took effect."""

    appeal: str
    lodged_at: Utc
    decided_at: Utc | None
    overturned: bool


class RatificationView(View):
    by: str
    at: Utc
    refused: bool
    reason: str


class DecisionView(View):
    decision: str
    protectee: str
    provider: str
    action: Action
    category: str | None
    basis: Basis | None
    reason_code: str
    reason: str
    emergency: bool
    proposed_by: str
    proposed_at: Utc
    approved_by: str | None
    decided_at: Utc | None
    effective_at: Utc | None
    #: as it stands at the time of asking
    state: DecisionState | None
    rescinded_by: str | None
    rescinded_at: Utc | None
    takes_effect_at: Utc | None
    steps: list[StepView]
    appeal: HoldView | None
    ratification: RatificationView | None


class DecisionRead(DecisionView):
    """One decision, and the role its next approval needs (null once decided)."""

    waiting_on: str | None


class Proposed(View):
    decision: str
    state: Annotated[str, OneOf([DecisionState.PROPOSED])]
    #: the rules that send it to the committee, as this user may read them
    needs_committee: list[str]
    #: the roles of the approvals it needs, in order
    steps: list[str]


class Receipt(View):
    """A ledger receipt: the entry, its inclusion path and the signed checkpoint it leads to;
    checkable offline with the ledger's public key (docs/ledger.md)."""

    version: int
    entry: str
    leaf_index: int
    tree_size: int
    inclusion: list[str]
    checkpoint: str


class Checkpoint(View):
    tree_size: int
    root: str
    made_at: Utc
    #: the signed note, with every witness's cosignature held for it (C2SP tlog-cosignature)
    checkpoint: str
    #: the policy's witnesses whose valid cosignatures it carries
    witnesses: list[str]
    #: cosignatures the policy requires (0: none)
    quorum: int
    #: it carries at least `quorum` of them (false where the policy names no witnesses)
    witnessed: bool


class CheckpointMade(View):
    tree_size: int
    root: str
    #: false when the latest checkpoint already covered the whole tree
    new: bool
    checkpoint: str


class DecisionPage(Page[DecisionView]):
    pass
