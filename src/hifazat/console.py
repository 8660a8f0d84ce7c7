"""Human output of the command line: Rich tables, times in the policy's zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.console import Console
from rich.table import Table

from hifazat.domain.flags import Flag
from hifazat.domain.status import Status
from hifazat.domain.times import local_text
from hifazat.reports.capacity import ProviderCapacity
from hifazat.reports.cost import Cost
from hifazat.reports.findings import Audit
from hifazat.services.oversight import ReviewDue

out = Console(highlight=False, soft_wrap=False, width=160)


def _t(value: datetime | None, zone: str) -> str:
    return local_text(value, zone) if value is not None else "—"


def status_table(status: Status, zone: str, with_flags: bool = True) -> None:
    p = status.protectee
    out.print(f"[bold]{p.name}[/bold] ({p.id}) — cover at {_t(status.at, zone)}")
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
            c.provider_id,
            c.category_id,
            str(c.rank),
            c.state.value,
            c.basis.value,
            str(c.personnel),
            str(c.vehicles),
            _t(c.since, zone),
            c.decision,
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
            f"pending: {d.id} {d.action} {d.category_id or ''} from {d.provider_id}, "
            f"effective {_t(d.effective_at, zone)}"
        )
    for d in status.proposed:
        out.print(
            f"awaiting approval: {d.id} {d.action} {d.category_id or ''} from "
            f"{d.provider_id}, proposed by {d.proposed_by}"
        )
    if with_flags and status.flags:
        flags_table(status.flags, zone)


def flags_table(flags: Iterable[Flag], zone: str) -> None:
    table = Table("rule", "protectee", "provider", "subject", "since", "detail")
    for f in flags:
        table.add_row(
            f.rule, f.protectee or "—", f.provider or "—", f.subject, _t(f.since, zone), f.detail
        )
    out.print(table)


def reviews_table(queue: Iterable[ReviewDue], zone: str) -> None:
    table = Table("coverage", "protectee", "provider", "category", "last examined", "due", "")
    for item in queue:
        c = item.cover
        table.add_row(
            c.coverage,
            c.protectee_id,
            c.provider_id,
            c.category_id,
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
            title=f"{cohort.cohort.office_class} / threat {cohort.cohort.threat_level}",
        )
        for row in cohort.rows:
            p = "—" if row.p_value is None else f"{row.p_value:.3f}"
            table.add_row(
                row.affiliation,
                str(row.protectees),
                str(row.affected),
                str(row.events),
                f"{row.rate:.0%}",
                p,
                "FLAG" if row.flagged else "",
            )
        out.print(table)
    for finding in audit.findings:
        out.print(f"[bold]{finding.kind}[/bold] {finding.affiliation}: {finding.detail}")
        out.print(f"    evidence: {', '.join(finding.evidence)}")
    if not audit.findings:
        out.print("No findings.")


def capacity_table(found: Iterable[ProviderCapacity]) -> None:
    table = Table("provider", "pool", "committed", "after pending", "no valid basis", "use")
    for c in found:
        use = c.utilisation(c.committed)[0]
        table.add_row(
            c.provider,
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
                line.subject,
                f"{line.officer_days:,.1f}",
                f"{line.vehicle_days:,.1f}",
                "—" if line.recoverable is None else f"{line.recoverable:,.2f}",
            )
        out.print(table)
