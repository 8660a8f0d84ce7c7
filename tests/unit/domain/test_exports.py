"""Marks keyed to an export's reader: equivalent renderings, read back from any part of a copy."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import UTC, datetime, timedelta

from hifazat.domain.exports import Marked, agreement, read_marks, render

T0 = datetime(2026, 1, 27, 5, 0, tzinfo=UTC)
ROWS = [
    Marked(f"d-{n:03d}", T0 + timedelta(hours=n), (f"Name, {n}", "withdraw")) for n in range(60)
]


def _values(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_marks_change_nothing_a_reader_of_the_csv_sees() -> None:
    a, b = (
        render(["name", "action"], ROWS, b"a" * 32, "Asia/Karachi"),
        render(["name", "action"], ROWS, b"b" * 32, "Asia/Karachi"),
    )
    assert a != b
    va, vb = _values(a), _values(b)
    assert [r[0] for r in va] == [r[0] for r in vb] and [r[2:] for r in va] == [r[2:] for r in vb]
    for x, y in zip(va[1:], vb[1:], strict=True):  # the same instant, written two ways
        assert datetime.fromisoformat(x[1]) == datetime.fromisoformat(y[1])


def test_a_copy_and_half_of_one_name_their_export_and_no_other() -> None:
    keys = [secrets.token_bytes(32) for _ in range(20)]
    made = render(["name", "action"], ROWS, keys[7], "Asia/Karachi")
    ids = [r.row_id for r in ROWS]
    for copy in (made, "\n".join(made.splitlines()[::2])):  # the whole, every other line
        seen = read_marks(copy)
        scores = [agreement(k, seen, ids) for k in keys]
        best = max(range(20), key=lambda i: scores[i].agree)
        assert best == 7 and scores[7].agree == scores[7].bits
        assert scores[7].p_value < 1e-9
        assert all(s.p_value > 1e-6 for i, s in enumerate(scores) if i != 7)


def test_a_reader_is_named_only_beyond_doubt() -> None:
    """Every mark agreeing on 8 rows (16 bits: 1.5e-5 by chance) is not enough; on 10 rows
    (20 bits: 9.5e-7) it is; one mark in disagreement names nobody."""
    from hifazat.domain.exports import Agreement

    assert not Agreement(16, 16).names_its_reader
    assert Agreement(20, 20).names_its_reader
    assert not Agreement(59, 60).names_its_reader
