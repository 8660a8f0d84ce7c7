"""What every benchmark is given: the loaded database, the nation in it, and how much to do."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench.generate import Nation
from bench.load import Database
from bench.people import END, START


@dataclass(frozen=True)
class Budget:
    """Bounds on each measuring loop: a count, and a time limit that cuts it short."""

    status_calls: int
    http_requests: int
    http_threads: int
    ledger_entries: int
    max_seconds: float
    writers: tuple[int, ...] = (1, 4, 16)
    #: server processes for both HTTP servers (the registry's and the bare one), and how long
    #: wrk loads each (when wrk is installed; else the Python client's request count applies)
    http_workers: int = 2
    http_seconds: float = 10
    #: "wrk" where installed, else the Python client ("auto"); or either one
    http_client: str = "auto"
    #: render the transparency PDF (seconds even for a tiny report: the smoke test does it once)
    render_pdf: bool = True

    @classmethod
    def for_scale(cls, scale: float) -> Budget:
        if scale >= 0.5:
            return cls(
                status_calls=2000,
                http_requests=5000,
                http_threads=8,
                ledger_entries=4000,
                max_seconds=120,
                http_seconds=20,
            )
        return cls(
            status_calls=300, http_requests=800, http_threads=8, ledger_entries=400, max_seconds=30
        )


#: a budget for the smoke test: proves each benchmark runs, measures nothing worth reading
SMOKE = Budget(
    status_calls=6,
    http_requests=12,
    http_threads=2,
    ledger_entries=8,
    max_seconds=5,
    http_workers=1,
    http_seconds=1,
)


@dataclass
class Context:
    db: Database
    nation: Nation
    budget: Budget
    workdir: Path
    seed: int = 2019
    #: the registry's "now" for reads of the present: the end of the generated history
    now: datetime = END
    start: datetime = START

    def rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.seed}:{salt}")

    def sample_protectees(self, n: int, salt: str) -> list[str]:
        """Protectees with at least one decision, drawn with replacement (deterministic)."""
        covered = sorted({d.protectee for d in self.nation.decisions})
        pool = covered or [p.id for p in self.nation.people]
        rng = self.rng(salt)
        return [rng.choice(pool) for _ in range(n)]

    def past_instants(self, n: int, salt: str) -> list[datetime]:
        rng = self.rng(salt)
        span = (self.now - self.start).total_seconds() - 60 * 86400
        return [self.start + timedelta(days=30, seconds=rng.uniform(0, span)) for _ in range(n)]
