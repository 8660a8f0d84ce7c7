"""A jurisdiction's protection policy: the parameters every rule reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hifazat.domain.chains import Chain

THREAT_LEVELS = ("none", "low", "moderate", "high", "severe")
#: the shortest delay before the public report may name an office-holder's positional cover:
#: a published list of who is (or no longer is) protected preceded a murder in Punjab in 2022
MIN_NAMING_LAG = timedelta(days=90)
PROVIDER_LEVELS = ("federal", "provincial", "district", "private")


@dataclass(frozen=True)
class Entitlement:
    office_class: str
    provider_level: str
    min_rank: int


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    timezone: str
    reason_codes: Mapping[str, str]
    min_reason_length: int
    two_person_rule: bool
    notice_period: timedelta
    emergency_ratification_within: timedelta
    review_every: timedelta
    appeal_decide_within: timedelta
    small_cell_threshold: int
    entitlements: tuple[Entitlement, ...] = ()
    floor_exempt_reasons: frozenset[str] = frozenset()
    threat_floors: Mapping[str, int] = field(default_factory=dict)
    approval_chains: tuple[Chain, ...] = ()
    #: the reason code of decisions that carry out an appeal or a refused ratification
    restoring_reason_code: str = "review-outcome"
    #: how a person reaches each provider's security desk, told in every notice (optional)
    desk_contacts: Mapping[str, str] = field(default_factory=dict)
    #: the public report names office-holders' positional cover (off: it shows counts only)
    name_positional_cover: bool = False
    #: ... as it stood this long before the report's instant (never under MIN_NAMING_LAG)
    naming_lag: timedelta = MIN_NAMING_LAG
    #: the retaliation test counts reductions decided this long after an affiliation's event
    retaliation_window: timedelta = timedelta(days=14)
    #: witnesses whose cosignatures count (C2SP vkeys, cosignature/v1), and how many of them
    #: make a checkpoint witnessed (0: none asked for)
    witness_keys: tuple[str, ...] = ()
    witness_quorum: int = 0

    def entitled_rank(self, office_classes: Iterable[str], provider_level: str) -> int:
        """The highest floor any office held gives at this provider level (0: none)."""
        classes = set(office_classes)
        ranks = [
            e.min_rank
            for e in self.entitlements
            if e.office_class in classes and e.provider_level == provider_level
        ]
        return max(ranks, default=0)

    def threat_floor(self, level: str | None) -> int:
        return self.threat_floors.get(level, 0) if level else 0
