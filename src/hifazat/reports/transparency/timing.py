"""Retaliation findings as the public sees them: the party, the provider, how many public
events (they are public anyway) and how many cuts followed them — a count, suppressed like any
other when small or resting on a few private persons, and the p-value only beside a shown
count. Never a decision, a date of a cut or a protectee."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hifazat.domain.protectee import Protectee
from hifazat.domain.provider import Provider
from hifazat.reports.retaliation import Retaliation
from hifazat.reports.transparency.suppression import SMALL, WITHHELD
from hifazat.reports.transparency.tables import Cell, Label


@dataclass(frozen=True)
class PublishedTiming:
    affiliation: str
    provider: Label
    events: int
    observed: Cell
    p_value: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "affiliation": self.affiliation,
            "provider": self.provider.as_dict(),
            "events": self.events,
            "observed": self.observed.as_dict(),
            "p_value": self.p_value,
        }


def published(
    found: Retaliation,
    providers: Mapping[str, Provider],
    protectees: Mapping[str, Protectee],
    threshold: int,
) -> tuple[PublishedTiming, ...]:
    out = []
    for t in found.findings:
        private = len(
            {d.protectee for d in t.decisions if not protectees[d.protectee].public_figure}
        )
        hidden = None
        if 0 < t.observed < threshold:
            hidden = SMALL
        elif 0 < private < threshold:
            hidden = WITHHELD
        observed = Cell(None, hidden) if hidden else Cell(t.observed)
        out.append(
            PublishedTiming(
                t.affiliation,
                Label(t.provider, providers[t.provider].name),
                len(t.events),
                observed,
                None if hidden else float(f"{t.p_value:.2g}"),
            )
        )
    return tuple(out)
