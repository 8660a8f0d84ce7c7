"""Capacity: officers and vehicles each provider has committed against its sanctioned pool,
now and once the approved-but-not-yet-effective decisions bite, and how much of it is cover
with no valid basis (R-BASIS) — the officers a review could free first.

Pending means approved and waiting for its effective time; a decision held by an appeal is
left out, since the appeal may yet overturn it. Cost (officer-days, vehicle-days) lives in
`cost` and is re-exported here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hifazat.domain.coverage import Cover, replay
from hifazat.domain.decision import LAST, Decision
from hifazat.domain.flags import basis_flags
from hifazat.domain.provider import Provider
from hifazat.domain.times import require_aware
from hifazat.reports.cost import Cost, CostLine, committed_days, cost
from hifazat.reports.history import History, as_known
from hifazat.reports.lean import LeanHistory, Timed, effect_known, final_cover

__all__ = [
    "Complement",
    "Cost",
    "CostLine",
    "History",
    "ProviderCapacity",
    "capacity",
    "capacity_lean",
    "committed_days",
    "cost",
]


@dataclass(frozen=True)
class Complement:
    personnel: int = 0
    vehicles: int = 0

    def __add__(self, other: Complement) -> Complement:
        return Complement(self.personnel + other.personnel, self.vehicles + other.vehicles)

    def as_dict(self) -> dict[str, int]:
        return {"personnel": self.personnel, "vehicles": self.vehicles}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class ProviderCapacity:
    provider: str
    pool: Complement
    committed: Complement
    after_pending: Complement
    #: committed by open cover with no valid basis (R-BASIS)
    unbased: Complement
    #: the pending decisions counted in `after_pending`
    pending: tuple[str, ...]
    #: the coverages counted in `unbased`
    unbased_covers: tuple[str, ...]

    def utilisation(self, load: Complement) -> tuple[float | None, float | None]:
        """Percent of the pool (personnel, vehicles); None where the pool is zero."""
        return (
            _percent(load.personnel, self.pool.personnel),
            _percent(load.vehicles, self.pool.vehicles),
        )

    def as_dict(self) -> dict[str, Any]:
        def load(value: Complement) -> dict[str, Any]:
            personnel, vehicles = self.utilisation(value)
            return {**value.as_dict(), "personnel_pct": personnel, "vehicles_pct": vehicles}

        return {
            "provider": self.provider,
            "pool": self.pool.as_dict(),
            "committed": load(self.committed),
            "after_pending": load(self.after_pending),
            "unbased": load(self.unbased),
            "pending": list(self.pending),
            "unbased_covers": list(self.unbased_covers),
        }


def _committed(cover: Cover | None) -> Complement:
    return Complement(*cover.committed) if cover is not None and cover.open else Complement()


def capacity(history: History, now: datetime) -> tuple[ProviderCapacity, ...]:
    """Every provider, by id, as the record stood at `now`."""
    require_aware(now, "now")
    known: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    waiting: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in (as_known(d, now) for d in history.decisions):
        if d.in_force_by(now):
            known[(d.protectee_id, d.provider_id)].append(d)
        elif d.pending_at(now):
            waiting[(d.protectee_id, d.provider_id)].append(d)
    covers: dict[tuple[str, str], Cover | None] = {}
    later: dict[tuple[str, str], Cover | None] = {}
    for key in sorted(known.keys() | waiting.keys()):
        provider = history.providers[key[1]]
        covers[key] = replay(known[key], provider)
        later[key] = replay([*known[key], *waiting[key]], provider)
    return _capacity(
        history, covers, later, {k: [d.id for d in ds] for k, ds in waiting.items()}, now
    )


def capacity_lean(history: LeanHistory, now: datetime) -> tuple[ProviderCapacity, ...]:
    """`capacity` over decision facts."""
    require_aware(now, "now")
    known: dict[tuple[str, str], list[Timed]] = defaultdict(list)
    waiting: dict[tuple[str, str], list[Timed]] = defaultdict(list)
    for f in history.facts:
        at, bitten = effect_known(f, now)
        if at is None:
            continue
        assert f.decided_at is not None
        seq = f.approval_seq if f.approval_seq is not None else LAST
        timed = (at, f.decided_at, seq, f.id, f)
        (known if bitten else waiting)[(f.protectee_id, f.provider_id)].append(timed)
    covers: dict[tuple[str, str], Cover | None] = {}
    later: dict[tuple[str, str], Cover | None] = {}
    for key in sorted(known.keys() | waiting.keys()):
        provider = history.providers[key[1]]
        mine = sorted(known[key], key=lambda t: t[:4])
        covers[key] = final_cover(mine, provider)
        later[key] = (
            final_cover(sorted([*mine, *waiting[key]], key=lambda t: t[:4]), provider)
            if waiting[key]
            else covers[key]
        )
    pending = {k: [t[3] for t in ts] for k, ts in waiting.items()}
    return _capacity(history, covers, later, pending, now)


def _capacity(
    history: History | LeanHistory,
    covers: dict[tuple[str, str], Cover | None],
    later: dict[tuple[str, str], Cover | None],
    waiting: dict[tuple[str, str], list[str]],
    now: datetime,
) -> tuple[ProviderCapacity, ...]:
    unbased = _unbased(history, [c for c in covers.values() if c is not None and c.open], now)
    return tuple(
        _provider(history.providers[p], covers, later, waiting, unbased)
        for p in sorted(history.providers)
    )


def _unbased(history: History | LeanHistory, covers: list[Cover], now: datetime) -> list[Cover]:
    """R-BASIS as the flag rule judges it, so capacity and the flag list agree."""
    threats = history.assessments_by_protectee()
    by_protectee: dict[str, list[Cover]] = defaultdict(list)
    for cover in covers:
        by_protectee[cover.protectee_id].append(cover)
    found = []
    for protectee_id, mine in sorted(by_protectee.items()):
        protectee = history.protectees[protectee_id]
        flags = basis_flags(mine, protectee, threats.get(protectee_id, ()), history.policy, now)
        flagged = {f.subject for f in flags}
        found += [c for c in mine if c.coverage in flagged]
    return found


def _provider(
    provider: Provider,
    covers: dict[tuple[str, str], Cover | None],
    later: dict[tuple[str, str], Cover | None],
    waiting: dict[tuple[str, str], list[str]],
    unbased: list[Cover],
) -> ProviderCapacity:
    def total(values: dict[tuple[str, str], Cover | None]) -> Complement:
        mine = (_committed(c) for key, c in values.items() if key[1] == provider.id)
        return sum(mine, Complement())

    without_basis = sorted(
        (c for c in unbased if c.provider_id == provider.id), key=lambda c: c.coverage
    )
    pending = sorted(d for key, ds in waiting.items() if key[1] == provider.id for d in ds)
    return ProviderCapacity(
        provider.id,
        Complement(provider.pool_personnel, provider.pool_vehicles),
        total(covers),
        total(later),
        sum((_committed(c) for c in without_basis), Complement()),
        tuple(pending),
        tuple(c.coverage for c in without_basis),
    )
