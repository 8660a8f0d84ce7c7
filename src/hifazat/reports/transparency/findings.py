"""Fairness findings as the public sees them: the affiliation, the cohort or provider, and
counts that go through suppression like any other cell. Evidence (decision and report ids)
stays in the audit: ids lead to people. Cluster dates are left out for the same reason: a
date, a party and a provider can be enough to pick out one private person. Counts that
bound one another (decisions against protectees affected, a cluster's protectees against a
group's) are not published side by side: suppression guards sums, not inequalities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hifazat.reports.findings import DISPARITY, Audit, Finding
from hifazat.reports.history import History
from hifazat.reports.transparency.suppression import Key, Relation
from hifazat.reports.transparency.tables import Cell, Label, Problem


@dataclass(frozen=True)
class PublishedFinding:
    kind: str
    affiliation: str
    provider: Label | None
    office_class: str | None
    threat_level: str | None
    counts: tuple[tuple[str, Cell], ...]
    #: published only when none of the counts it is computed from is hidden
    p_value: float | None

    def count(self, name: str) -> Cell:
        return dict(self.counts)[name]

    def as_dict(self) -> dict[str, Any]:
        cohort = None
        if self.office_class is not None:
            cohort = {"office_class": self.office_class, "threat_level": self.threat_level}
        return {
            "kind": self.kind,
            "affiliation": self.affiliation,
            "provider": None if self.provider is None else self.provider.as_dict(),
            "cohort": cohort,
            "counts": {name: cell.as_dict() for name, cell in self.counts},
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class Draft:
    """A finding with the keys of its counts, waiting for the suppression of the whole report."""

    finding: Finding
    provider: Label | None
    keys: tuple[tuple[str, Key], ...]

    def publish(self, values: Mapping[Key, float], hidden: Mapping[Key, str]) -> PublishedFinding:
        counts = tuple((name, Cell.of(values[key], hidden, key)) for name, key in self.keys)
        f = self.finding
        p_value = None
        if f.p_value is not None and not any(key in hidden for _, key in self.keys):
            p_value = float(f"{f.p_value:.2g}")
        cohort = f.cohort
        return PublishedFinding(
            f.kind,
            f.affiliation,
            self.provider,
            None if cohort is None else cohort.office_class,
            None if cohort is None else cohort.threat_level,
            counts,
            p_value,
        )


def drafts(history: History, audit: Audit, problem: Problem) -> list[Draft]:
    """Add every finding's counts to `problem` (a group and the rest of its cohort add up to
    the cohort, whose totals are published too) and return the findings to publish."""
    found = []
    for n, f in enumerate(audit.findings):
        if f.kind == DISPARITY:
            found.append(_disparity(f, problem))
        else:
            found.append(_cluster(history, n, f, problem))
    return found


def _disparity(f: Finding, problem: Problem) -> Draft:
    assert f.cohort is not None and f.group is not None and f.rest is not None
    space = ("fairness", f.cohort.office_class, f.cohort.threat_level)
    keys: list[tuple[str, Key]] = []
    measures = {
        "protectees": (f.group.protectees, f.rest.protectees),
        "affected": (f.group.affected, f.rest.affected),
    }
    for measure, (group, rest) in measures.items():
        whole, mine, others = (
            (*space, "*", measure),
            (*space, f.affiliation, measure),
            (*space, f.affiliation, f"rest-{measure}"),
        )
        # nobody knows how many of them are private persons: count them all as private
        for key, value in ((whole, group + rest), (mine, group), (others, rest)):
            problem.add(key, value, value)
        problem.relations.append(Relation(whole, (mine, others)))
        keys += [(measure, mine), (f"rest_{measure}", others), (f"cohort_{measure}", whole)]
    return Draft(f, None, tuple(keys))


def _cluster(history: History, n: int, f: Finding, problem: Problem) -> Draft:
    events = ("cluster", str(n), "events")
    problem.add(events, len(f.evidence), len(f.evidence))
    provider = None
    if f.provider is not None:
        provider = Label(f.provider, history.providers[f.provider].name)
    return Draft(f, provider, (("events", events),))
