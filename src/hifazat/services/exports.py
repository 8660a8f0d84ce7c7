"""Traced exports (issue 17): a CSV of restricted records for one reader, marked for them
(`domain.exports`), entered in the ledger (who, when, why, which rows by count and digest); and
the trace that names the export a leaked copy came from."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from hifazat.access.guard import require
from hifazat.domain import fields
from hifazat.domain.errors import InvalidInput
from hifazat.domain.exports import (
    Agreement,
    Export,
    ExportKind,
    Marked,
    agreement,
    read_marks,
    render,
)
from hifazat.domain.times import local_date, utc_text
from hifazat.services.attempts import refusals_kept
from hifazat.services.ids import new_id
from hifazat.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Exported:
    id: str
    kind: str
    rows: int
    text: str


def export(uow: UnitOfWork, kind: str, by: str, reason: str, now: datetime) -> Exported:
    """The records of `kind` as a CSV marked for `by`, who reads it, with the reason why."""
    try:
        what = ExportKind(kind)
    except ValueError:
        raise InvalidInput(
            "kind", f"choose from {', '.join(k.value for k in ExportKind)}"
        ) from None
    subject = {"kind": str(kind)[:32]}
    with refusals_kept(uow, "export", by, subject, now), uow:
        require(uow.repo.user(by), "export.make")
        policy = uow.repo.policy()
        why = fields.check_text(reason, fields.REASON, "reason", policy.min_reason_length)
        header, rows, at = _rows(uow, what, now)
        made = Export(
            new_id("ex"), what, by, now, why, tuple(r.row_id for r in rows), secrets.token_bytes(32)
        )
        text = render(header, rows, made.secret, policy.timezone, at)
        uow.repo.add_export(made)
        uow.record("export.made", made.id)
        uow.commit()
    return Exported(made.id, str(what), len(rows), text)


def _rows(
    uow: UnitOfWork, kind: ExportKind, now: datetime
) -> tuple[tuple[str, ...], list[Marked], str]:
    repo = uow.repo
    if kind is ExportKind.PROTECTEES:
        day = local_date(now, repo.policy().timezone)
        people = sorted(repo.protectees().values(), key=lambda p: p.id)
        return (
            ("name", "public_figure", "affiliation", "offices"),
            [
                Marked(
                    p.id,
                    now,
                    (
                        p.name,
                        "yes" if p.public_figure else "no",
                        p.affiliation_on(day) or "",
                        "; ".join(o.title for o in p.offices_on(day)),
                    ),
                )
                for p in people
            ],
            "as_of",
        )
    found = sorted(repo.decisions(), key=lambda d: (d.proposed_at, d.id))
    return (
        ("protectee", "provider", "action", "category", "reason_code", "approved_by"),
        [
            Marked(
                d.id,
                d.decided_at or d.proposed_at,
                (
                    d.protectee_id,
                    d.provider_id,
                    str(d.action),
                    d.category_id or "",
                    d.reason_code,
                    d.approved_by or "",
                ),
            )
            for d in found
        ],
        "decided_or_proposed_at",
    )


@dataclass(frozen=True)
class Traced:
    export: str
    kind: str
    reader: str
    reader_name: str
    made_at: datetime
    reason: str
    #: rows of the copy this export holds, and the marks on them that agree with its key
    rows: int
    score: Agreement

    @property
    def agree(self) -> int:
        return self.score.agree

    @property
    def bits(self) -> int:
        return self.score.bits

    @property
    def p_value(self) -> float:
        return self.score.p_value

    @property
    def named(self) -> bool:
        return self.score.names_its_reader

    def as_dict(self) -> dict[str, object]:
        return {
            "export": self.export,
            "kind": self.kind,
            "reader": self.reader,
            "reader_name": self.reader_name,
            "made_at": utc_text(self.made_at),
            "reason": self.reason,
            "rows": self.rows,
            "agree": self.agree,
            "bits": self.bits,
            "p_value": self.p_value,
            "named": self.named,
        }


def trace(uow: UnitOfWork, text: str, by: str) -> list[Traced]:
    """Every export sharing rows with the copy, the best match first: the one that made it
    agrees on every mark, any other on about half."""
    seen = read_marks(text)
    if not seen:
        raise InvalidInput("file", "holds no rows of an export (an id, then an instant)")
    with uow.reading():
        require(uow.repo.user(by), "export.trace")
        made = uow.repo.exports()
        names = {u: uow.repo.user(u).name for u in {e.reader for e in made}}
    out = []
    for e in made:
        rows = set(seen) & set(e.row_ids)
        if rows:
            score = agreement(e.secret, seen, e.row_ids)
            out.append(
                Traced(
                    e.id,
                    str(e.kind),
                    e.reader,
                    names[e.reader],
                    e.made_at,
                    e.reason,
                    len(rows),
                    score,
                )
            )
    return sorted(out, key=lambda t: (t.p_value, -t.rows, t.export))
