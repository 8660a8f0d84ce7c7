"""Exports of restricted records and the keys of their marks (issue 17)."""

from __future__ import annotations

from sqlalchemy import select

from hifazat.domain.exports import Export, ExportKind
from hifazat.store import tables as t
from hifazat.store.records.base import Base


class ExportRecords(Base):
    def add_export(self, export: Export) -> None:
        self._insert(
            t.exports,
            {
                "id": export.id,
                "kind": str(export.kind),
                "reader": export.reader,
                "made_at": export.made_at,
                "reason": export.reason,
                "row_ids": "\n".join(export.row_ids),
                "secret": export.secret,
            },
        )

    def exports(self) -> list[Export]:
        """Every export, oldest first."""
        e = t.exports
        self.flush()
        return [
            Export(
                r.id,
                ExportKind(r.kind),
                r.reader,
                r.made_at,
                r.reason,
                tuple(r.row_ids.split("\n")) if r.row_ids else (),
                bytes(r.secret),
            )
            for r in self.c.execute(select(e).order_by(e.c.made_at, e.c.id))
        ]
