"""Where a call's time goes, for the RESULTS: a profile taken after the timed runs (so that it
costs them nothing), summarised by where the code lives, with the statements each call sends.

`profile(call, n)` runs `call` n times under cProfile and returns the share of own time spent in
the database driver, SQLAlchemy, the domain, the store, the services and elsewhere, the top
functions by own time, and the seconds per call under the profiler (slower than unprofiled)."""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event

#: where a function's file lives -> the name it is summed under, first match wins
AREAS = (
    ("/psycopg", "driver (psycopg)"),
    ("sqlite3", "driver (sqlite3)"),
    ("/sqlalchemy/", "SQLAlchemy"),
    ("/hifazat/domain/", "hifazat.domain"),
    ("/hifazat/store/", "hifazat.store"),
    ("/hifazat/services/", "hifazat.services"),
    ("/hifazat/reports/", "hifazat.reports"),
    ("/hifazat/", "hifazat (other)"),
)


def _area(filename: str) -> str:
    return next((name for part, name in AREAS if part in filename), "other")


def profile(call: Callable[[], object], n: int, top: int = 8) -> dict[str, Any]:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(n):
        call()
    profiler.disable()
    seconds = time.perf_counter() - started
    # {(file, line, name): (primitive calls, calls, own time, cumulative time, callers)}
    stats: dict[Any, Any] = getattr(pstats.Stats(profiler), "stats")  # noqa: B009 (untyped)
    by_area: Counter[str] = Counter()
    own = []
    for (filename, line, name), (_, calls, tottime, _, _) in stats.items():
        by_area[_area(filename)] += tottime
        own.append((tottime, f"{filename.rsplit('/', 1)[-1]}:{line}({name})", calls))
    total = sum(by_area.values()) or 1.0
    own.sort(reverse=True)
    return {
        "calls": n,
        "ms_per_call_profiled": round(1000 * seconds / n, 2),
        "own_time_share": {k: round(v / total, 3) for k, v in by_area.most_common()},
        "top_own_time": [
            {"function": f, "ms_per_call": round(1000 * t / n, 3), "calls_per_call": c / n}
            for t, f, c in own[:top]
        ],
    }


def statements(engine: Engine, call: Callable[[], object]) -> list[str]:
    """The statements one call sends, each by its first words."""
    sent: list[str] = []

    def seen(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(" ".join(statement.split())[:80])

    event.listen(engine, "before_cursor_execute", seen)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return sent
