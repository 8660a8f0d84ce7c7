"""One published shift-scheduling instance solved by the roster's own model, and how far its
objective is from the best known: what `hifazat roster benchmark` prints and `make bench`
records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hifazat.domain.errors import DomainError, Outcome
from hifazat.rostering import curtois
from hifazat.rostering.solver import Settings, Solution, solve


class NoRoster(DomainError):
    """The solver found no roster: the rules cannot all hold, or time ran out first."""

    outcome = Outcome.CONFLICT


@dataclass(frozen=True)
class Result:
    instance: str
    solution: Solution
    assignment: dict[str, list[str]]
    objective: int

    def view(self) -> dict[str, Any]:
        best = curtois.BEST_KNOWN.get(self.instance)
        gap = None if best is None else round((self.objective - best) / best, 6)
        return {
            "instance": self.instance,
            "objective": self.objective,
            "best_known": best,
            "best_known_lower_bound": curtois.BOUNDS.get(self.instance, best),
            "gap": gap,
            "seconds": round(self.solution.seconds, 3),
            "outcome": self.solution.outcome.value,
            "bound": self.solution.bound,
            "assignment": self.assignment,
        }


def run(instance: str, text: str, settings: Settings, source: str = "") -> Result:
    problem = curtois.read(text, source)
    solution = solve(problem, settings)
    if solution.roster is None or solution.cost is None:
        why = "the rules cannot all hold" if solution.outcome == "infeasible" else "time ran out"
        raise NoRoster(f"{instance}: no roster within {settings.time_limit:g} s: {why}")
    return Result(
        instance=instance,
        solution=solution,
        assignment=curtois.assignment(problem, solution.roster),
        objective=solution.cost.total,
    )
