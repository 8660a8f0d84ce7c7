"""Traced exports: a CSV of restricted records, marked for its reader by a keyed choice among
equivalent renderings, so that a leaked copy — or any part of its rows — names the export.

Each row carries two bits, drawn from HMAC-SHA256(the export's secret, the row's id):
- the row's id is written quoted (`"d-006"`) or bare (`d-006`): an id never needs quoting, so
  CSV readers see the same value either way;
- the row's instant is written in UTC (`2026-01-27T05:00:00Z`) or in the deployment's zone
  (`2026-01-27T10:00:00+05:00`): ISO 8601 forms of the same instant.
Copying the text keeps both. A copy is traced by reading the bits back from each row it holds
and comparing them with what each recorded export would have written for the same ids: the
export that made it agrees on every bit, any other on about half, so a few dozen rows name it
beyond doubt. Nothing here is secret but the per-export key, kept in the registry.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from math import comb

from hifazat.domain.errors import InvalidInput
from hifazat.domain.times import local_iso, utc_text

__all__ = ["Export", "ExportKind", "Marked", "agreement", "marks_of", "read_marks", "render"]


class ExportKind(StrEnum):
    PROTECTEES = "protectees"
    DECISIONS = "decisions"


def _bits(secret: bytes, row_id: str) -> tuple[int, int]:
    digest = hmac.new(secret, row_id.encode("utf-8"), hashlib.sha256).digest()
    return digest[0] & 1, (digest[0] >> 1) & 1


@dataclass(frozen=True)
class Marked:
    """A row to write: its id, its instant, and its other cells as they read."""

    row_id: str
    at: datetime
    cells: tuple[str, ...]


def render(
    header: Sequence[str], rows: Sequence[Marked], secret: bytes, zone: str, at: str = "at"
) -> str:
    """The CSV: `id`, the instant (headed `at`), then the other columns; each row's marks
    keyed by `secret`."""
    out = io.StringIO()
    out.write(",".join(_cell(h) for h in ("id", at, *header)) + "\n")
    for row in rows:
        if not row.row_id or any(c in row.row_id for c in ',"\n\r'):
            raise InvalidInput("id", f"{row.row_id!r} cannot be written as a marked id")
        quoted, in_zone = _bits(secret, row.row_id)
        first = f'"{row.row_id}"' if quoted else row.row_id
        when = local_iso(row.at, zone) if in_zone else utc_text(row.at)
        rest = io.StringIO()
        csv.writer(rest, lineterminator="").writerow([when, *row.cells])
        out.write(f"{first},{rest.getvalue()}\n")
    return out.getvalue()


def _cell(text: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([text])
    return buffer.getvalue()


def read_marks(text: str) -> dict[str, tuple[int, int]]:
    """The bits each row of a (possibly partial) copy carries, by row id; lines that are not
    rows of an export (a header, a blank, a fragment) are passed over."""
    found: dict[str, tuple[int, int]] = {}
    for line in text.splitlines():
        line = line.strip("\ufeff")
        if not line or line.startswith(("id,", '"id",')):
            continue
        try:
            [cells] = list(csv.reader([line]))
        except (csv.Error, ValueError):
            continue
        if len(cells) < 2 or not cells[0]:
            continue
        quoted = int(line.startswith('"'))
        at = cells[1]
        if at.endswith("Z"):
            in_zone = 0
        elif len(at) > 6 and at[-6] in "+-" and at[-3] == ":":
            in_zone = 1
        else:
            continue
        found[cells[0]] = (quoted, in_zone)
    return found


def marks_of(secret: bytes, row_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    return {r: _bits(secret, r) for r in row_ids}


@dataclass(frozen=True)
class Export:
    """An export as the registry keeps it: who read it, when, why, which rows, and its key."""

    id: str
    kind: ExportKind
    reader: str
    made_at: datetime
    reason: str
    row_ids: tuple[str, ...]
    secret: bytes = field(repr=False)

    @property
    def rows_sha256(self) -> str:
        return hashlib.sha256("\n".join(self.row_ids).encode("utf-8")).hexdigest()


#: an export names the copy's reader only where it holds this many of the copy's rows …
TRACE_MIN_ROWS = 8
#: … agrees on every mark, and another export would agree so well less often than this
TRACE_P = 1e-6


@dataclass(frozen=True)
class Agreement:
    agree: int
    bits: int

    @property
    def names_its_reader(self) -> bool:
        return (
            self.bits // 2 >= TRACE_MIN_ROWS and self.agree == self.bits and self.p_value < TRACE_P
        )

    @property
    def p_value(self) -> float:
        """The chance that an export which did not make the copy agrees this well or better
        (each of its bits agreeing with probability 1/2)."""
        if self.bits == 0:
            return 1.0
        tail = sum(comb(self.bits, k) for k in range(self.agree, self.bits + 1))
        return float(tail / 2**self.bits)


def agreement(secret: bytes, seen: dict[str, tuple[int, int]], rows: Sequence[str]) -> Agreement:
    """How many of the copy's bits the export keyed by `secret` would have written, over the
    rows the copy shares with it."""
    shared = set(seen) & set(rows)
    agree = sum(
        (a == b) + (c == d) for r in shared for (a, c), (b, d) in [(seen[r], _bits(secret, r))]
    )
    return Agreement(agree, 2 * len(shared))
