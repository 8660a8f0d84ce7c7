"""What a check of the ledger found: how much it read, and each problem, where and what."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    seq: int | None
    kind: str
    record: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "record": self.record, "message": self.message}

    def __str__(self) -> str:
        where = f"entry {self.seq} ({self.kind})" if self.seq is not None else self.kind
        return f"{where}, {self.record}: {self.message}"


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rate(self) -> float:
        return self.entries / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
            "seconds": round(self.seconds, 3),
            "entries_per_second": round(self.rate),
            "first_problem": self.problems[0].as_dict() if self.problems else None,
            "problems": [p.as_dict() for p in self.problems],
        }
