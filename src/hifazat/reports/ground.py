"""Understaffing as a double standard: within one provider, are one affiliation's protectees
left short on the ground (a NOMINAL or UNDERSTAFFED flag) more often than the rest of those it
keeps attendance for? The fairness audit's own test (`fairness.fisher_tested`: one-sided Fisher
exact, p < ALPHA with at least MIN_EVENTS protectees affected), so a rate that would be a finding
for withdrawals on paper is one for officers missing at the post."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from hifazat.reports.cohorts import NONE
from hifazat.reports.fairness import fisher_tested
from hifazat.reports.findings import AffiliationRow, Finding

UNDERSTAFFING = "understaffing"


@dataclass(frozen=True)
class Measured:
    """One protectee the provider keeps attendance for in the period: their affiliation, and
    the flags (NOMINAL, UNDERSTAFFED) that say they were left short."""

    provider: str
    protectee: str
    affiliation: str | None
    short: tuple[str, ...]


def understaffing(measured: Iterable[Measured]) -> list[Finding]:
    by_provider: dict[str, list[Measured]] = defaultdict(list)
    for m in measured:
        by_provider[m.provider].append(m)
    found = []
    for provider, people in sorted(by_provider.items()):
        groups: dict[str, list[Measured]] = defaultdict(list)
        for m in people:
            groups[m.affiliation or NONE].append(m)
        rows = [
            AffiliationRow(
                affiliation,
                len(ms),
                sum(1 for m in ms if m.short),
                sum(1 for m in ms if m.short),
                evidence=tuple(flag for m in ms for flag in m.short),
            )
            for affiliation, ms in sorted(groups.items())
        ]
        for row in rows:
            tested = fisher_tested(row, rows)
            if not tested.flagged or tested.p_value is None:
                continue
            rest = AffiliationRow(
                "rest",
                sum(r.protectees for r in rows if r is not row),
                sum(r.affected for r in rows if r is not row),
                sum(r.events for r in rows if r is not row),
            )
            detail = (
                f"{row.affiliation} at {provider}: {row.affected} of {row.protectees} protectees "
                f"({row.rate:.0%}) left short on the ground, against {rest.affected} of "
                f"{rest.protectees} ({rest.rate:.0%}) of the rest; one-sided Fisher exact "
                f"p = {tested.p_value:.2g}"
            )
            found.append(
                Finding(
                    UNDERSTAFFING,
                    row.affiliation,
                    detail,
                    row.evidence,
                    None,
                    tested,
                    rest,
                    tested.p_value,
                    provider,
                )
            )
    return found
