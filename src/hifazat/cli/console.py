"""Human output of the command line: Rich tables, times in the policy's zone.

Every value from the registry goes through `_v`: Rich would read brackets in it as markup, and a
control character in it could act on the terminal, so both are made inert (domain.fields.shown)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hifazat.domain.events import PublicEvent
from hifazat.domain.fields import shown
from hifazat.domain.flags import Flag
from hifazat.domain.resources import Officer, Vehicle
from hifazat.domain.status import Status
from hifazat.domain.times import local_text
from hifazat.reports.capacity import ProviderCapacity
from hifazat.reports.cost import Cost
from hifazat.reports.findings import Audit
from hifazat.reports.retaliation import ALPHA, MIN_EVENTS, Retaliation
from hifazat.services.attendance import Sheet
from hifazat.services.oversight import ReviewDue
from hifazat.services.rostering import InForce, Plan, Published
from hifazat.services.shift_capacity import Loads, WhatIf

out = Console(highlight=False, soft_wrap=False, width=160)


def _v(value: object) -> str:
    """A value from the registry, safe to print in a table or a line of Rich markup."""
    return escape(shown(str(value), inline=True))


def _t(value: datetime | None, zone: str) -> str:
    return local_text(value, zone) if value is not None else "—"


def status_table(status: Status, zone: str, with_flags: bool = True) -> None:
    p = status.protectee
    out.print(f"[bold]{_v(p.name)}[/bold] ({_v(p.id)}) — cover at {_t(status.at, zone)}")
    table = Table(
        "provider",
        "category",
        "rank",
        "state",
        "basis",
        "personnel",
        "vehicles",
        "since",
        "decision",
    )
    for c in status.covers:
        table.add_row(
            _v(c.provider_id),
            _v(c.category_id),
            str(c.rank),
            c.state.value,
            c.basis.value,
            str(c.personnel),
            str(c.vehicles),
            _t(c.since, zone),
            _v(c.decision),
        )
    personnel, vehicles = status.totals
    table.add_row(
        "[bold]total deployed[/bold]", "", "", "", "", str(personnel), str(vehicles), "", ""
    )
    out.print(table)
    if not status.covers:
        out.print("No cover in force.")
    for d in status.pending:
        out.print(
            f"pending: {_v(d.id)} {d.action} {_v(d.category_id or '')} from {_v(d.provider_id)}, "
            f"effective {_t(d.effective_at, zone)}"
        )
    for d in status.proposed:
        out.print(
            f"awaiting approval: {_v(d.id)} {d.action} {_v(d.category_id or '')} from "
            f"{_v(d.provider_id)}, proposed by {_v(d.proposed_by)}"
        )
    if with_flags and status.flags:
        flags_table(status.flags, zone)


def flags_table(flags: Iterable[Flag], zone: str) -> None:
    table = Table("rule", "protectee", "provider", "subject", "since", "detail")
    for f in flags:
        table.add_row(
            _v(f.rule),
            _v(f.protectee or "—"),
            _v(f.provider or "—"),
            _v(f.subject),
            _t(f.since, zone),
            _v(f.detail),
        )
    out.print(table)


def reviews_table(queue: Iterable[ReviewDue], zone: str) -> None:
    table = Table("coverage", "protectee", "provider", "category", "last examined", "due", "")
    for item in queue:
        c = item.cover
        table.add_row(
            _v(c.coverage),
            _v(c.protectee_id),
            _v(c.provider_id),
            _v(c.category_id),
            _t(item.last_examined, zone),
            _t(item.due, zone),
            "[bold red]overdue[/bold red]" if item.overdue else "",
        )
    out.print(table)


def fairness_tables(audit: Audit) -> None:
    out.print(
        f"Fairness audit {audit.start:%Y-%m-%d} to {audit.end:%Y-%m-%d}: "
        f"p < {audit.alpha}, at least {audit.min_events} events"
    )
    for cohort in audit.tables:
        table = Table(
            "affiliation",
            "protectees",
            "affected",
            "events",
            "rate",
            "p",
            "flag",
            title=f"{_v(cohort.cohort.office_class)} / threat {_v(cohort.cohort.threat_level)}",
        )
        for row in cohort.rows:
            p = "—" if row.p_value is None else f"{row.p_value:.3f}"
            table.add_row(
                _v(row.affiliation),
                str(row.protectees),
                str(row.affected),
                str(row.events),
                f"{row.rate:.0%}",
                p,
                "FLAG" if row.flagged else "",
            )
        out.print(table)
    for finding in audit.findings:
        out.print(
            f"[bold]{_v(finding.kind)}[/bold] {_v(finding.affiliation)}: {_v(finding.detail)}"
        )
        out.print(f"    evidence: {_v(', '.join(finding.evidence))}")
    if not audit.findings:
        out.print("No findings.")


def retaliation_tables(found: Retaliation, zone: str) -> None:
    out.print(
        f"Retaliation test {found.start:%Y-%m-%d} to {found.end:%Y-%m-%d}: reductions decided "
        f"within {found.window.days} days after an affiliation's public events; circular shifts "
        f"of the event dates; p < {ALPHA}, at least {MIN_EVENTS} events and {MIN_EVENTS} "
        "reductions within windows"
    )
    table = Table(
        "affiliation", "provider", "events", "reductions", "observed", "expected", "p", "flag"
    )
    for t in found.tests:
        table.add_row(
            _v(t.affiliation),
            _v(t.provider),
            str(len(t.events)),
            str(len(t.reductions)),
            str(t.observed),
            f"{t.expected:.1f}",
            f"{t.p_value:.3f}",
            "FLAG" if t.flagged else "",
        )
    out.print(table)
    for t in found.tests:
        if t.observed < MIN_EVENTS:
            out.print(
                f"{_v(t.affiliation)} / {_v(t.provider)}: {t.observed} reduction(s) decided within"
                f" windows, fewer than {MIN_EVENTS}: too few to call either way"
            )
        if not t.decisions and not t.ground_reports:
            continue
        out.print(f"[bold]{_v(t.affiliation)}[/bold] / {_v(t.provider)}:")
        for d in t.decisions:
            out.print(
                f"    {_v(d.decision)} {_v(d.action)} {_t(d.decided_at, zone)}"
                f" after {_v(', '.join(d.after))}"
            )
        for g in t.ground_reports:
            out.print(
                f"    ground report {_v(g.id)} observed {_t(g.observed_at, zone)}: "
                "no decision behind it, so not counted"
            )
    for u in found.untested:
        why = (
            f"fewer than {MIN_EVENTS}"
            if u.reason == "events"
            else f"but the period is no longer than the {found.window.days}-day window"
        )
        out.print(f"{_v(u.affiliation)}: {u.events} event(s), {why}; not tested")
    if not found.findings:
        out.print("No findings.")


def events_table(events: Iterable[PublicEvent], zone: str) -> None:
    table = Table("id", "at", "affiliation", "kind", "title", "source")
    for e in events:
        table.add_row(
            _v(e.id), _t(e.at, zone), _v(e.affiliation), _v(e.kind), _v(e.title), _v(e.source)
        )
    out.print(table)


def capacity_table(found: Iterable[ProviderCapacity]) -> None:
    table = Table("provider", "pool", "committed", "after pending", "no valid basis", "use")
    for c in found:
        use = c.utilisation(c.committed)[0]
        table.add_row(
            _v(c.provider),
            f"{c.pool.personnel} / {c.pool.vehicles}",
            f"{c.committed.personnel} / {c.committed.vehicles}",
            f"{c.after_pending.personnel} / {c.after_pending.vehicles}",
            f"{c.unbased.personnel} / {c.unbased.vehicles}",
            "—" if use is None else f"{use}%",
        )
    out.print(table)
    out.print("(officers / vehicles)")


def cost_table(cost: Cost) -> None:
    for title, lines in (("provider", cost.providers), ("protectee", cost.protectees)):
        table = Table(title, "officer-days", "vehicle-days", "recoverable")
        for line in lines:
            table.add_row(
                _v(line.subject),
                f"{line.officer_days:,.1f}",
                f"{line.vehicle_days:,.1f}",
                "—" if line.recoverable is None else f"{line.recoverable:,.2f}",
            )
        out.print(table)


def roll_tables(officers: list[Officer], vehicles: list[Vehicle]) -> None:
    table = Table("service number", "name", "rank", "unit", "qualifications", "away")
    for o in officers:
        away = "; ".join(f"{a.kind} {a.first}–{a.last}" for a in o.absences) or "—"
        table.add_row(
            _v(o.service_number), _v(o.name), _v(o.rank), _v(o.unit),
            _v(", ".join(sorted(o.qualifications)) or "—"), _v(away),
        )  # fmt: skip
    out.print(table)
    cars = Table("registration", "kind", "state")
    for v in vehicles:
        cars.add_row(_v(v.registration), _v(v.kind), _v(v.state))
    out.print(cars)


def plan_tables(plan: Plan) -> None:
    out.print(
        f"[bold]{_v(plan.provider)}[/bold]: {plan.days} days from {plan.first} "
        f"({_v(plan.outcome)}) — {plan.wanted} officer-shifts wanted, {plan.short} short"
    )
    for protectee in sorted(plan.protectees, key=lambda p: plan.protectees[p]):
        table = Table("shift starts", "shift", "wanted", "on duty", "short")
        table.title = plan.protectees[protectee]
        for s in plan.posts:
            if s.post.protectee_id != protectee:
                continue
            names = ", ".join(plan.officers[n].name for n in s.officers) or "—"
            table.add_row(
                _t(s.post.starts, plan.zone), _v(s.post.shift), str(s.post.officers),
                _v(names), str(s.short) if s.short else "",
            )  # fmt: skip
        out.print(table)


def published_lines(made: Published) -> None:
    plan = made.plan
    out.print(
        f"published roster {_v(made.roster)} for {_v(plan.provider)}: {plan.days} days from "
        f"{plan.first} — {plan.wanted} officer-shifts wanted, {plan.short} short"
    )
    for m in made.moves:
        name = plan.officers[m.officer].name if m.officer in plan.officers else m.officer
        post = plan.protectees.get(m.post, m.post)
        out.print(
            f"  {_v(name)}: {m.change.value} at {_v(post)} from {m.first} ({m.shifts} shifts)"
        )


def in_force_table(found: InForce) -> None:
    table = Table("day", "shift", "protectee", "officer")
    for a in found.assignments:
        table.add_row(
            str(a.day), _v(a.shift), _v(found.protectees[a.protectee_id]),
            _v(found.officers.get(a.officer, a.officer)),
        )  # fmt: skip
    out.print(table)


def sheet_table(found: Sheet) -> None:
    table = Table("day", "shift", "protectee", "decided", "rostered", "present", "missed", "")
    for t in found.tallies:
        table.add_row(
            str(t.day), _v(t.shift), _v(found.protectees[t.protectee_id]),
            f"{t.officers} + {t.vehicles} veh.", str(len(t.rostered)),
            f"{len(t.present)} + {len(t.vehicles_present)} veh.",
            _v(", ".join(found.officers.get(n, n) for n in sorted(t.missed))),
            _v(t.state),
        )  # fmt: skip
    out.print(table)
    if not found.measured:
        out.print("No published roster covers these days: attendance is not measured here.")
    if found.flags:
        flags_table(found.flags, found.zone)


def loads_table(found: Loads, zone: str) -> None:
    out.print(
        f"[bold]{_v(found.provider)}[/bold]: sanctioned {found.pool_officers} officers and "
        f"{found.pool_vehicles} vehicles; on the roll {found.roll_officers} officers and "
        f"{found.roll_vehicles} vehicles in service"
    )
    table = Table("day", "shift", "starts", "available", "committed", "rostered", "present")
    for s in found.shifts:
        table.add_row(
            str(s.day), _v(s.shift), _t(s.starts, zone), str(s.available),
            f"{s.committed} + {s.committed_vehicles} veh.", str(s.rostered),
            "—" if s.present is None else f"{s.present} + {s.vehicles_present} veh.",
        )  # fmt: skip
    out.print(table)
    out.print("(present: — where the shift has not begun or no roster covers its day)")


def what_if_lines(found: WhatIf) -> None:
    plan = found.with_it
    changed = ", ".join(f"{n:+d} {shift}" for shift, n in sorted(found.change.items())) or "none"
    since = f" from {found.first_changed}" if found.first_changed else ""
    out.print(
        f"{_v(found.decision)} at {_v(plan.provider)}: officer-shifts changed {changed}{since}; "
        f"wanted {found.without.wanted} -> {plan.wanted}, short {found.without.short} -> "
        f"{plan.short}"
    )
    if found.lacking:
        out.print(f"The roll lacks them: {found.lacking} more officer-shifts would go unstood.")
    else:
        out.print("The roll has them: the decision leaves no more posts short than today.")
