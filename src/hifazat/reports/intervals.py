"""Intervals for the audit's rates: how sure a rate of lost cover is, given how few protectees
a cohort holds. The Wilson score interval, because it stays inside 0-100% and behaves for the
small counts (0 of 4, 3 of 3) an audit mostly sees, where the textbook ±1.96·SE does not.

Shown beside the audit's findings, never instead of them: the findings' test is Fisher's."""

from __future__ import annotations

from math import sqrt

#: the two-sided 95% point of the standard normal
Z95 = 1.959963984540054


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for `successes` of `trials`; (0, 1) when there were none,
    since nothing was observed to narrow it."""
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"{successes} of {trials} is not a proportion")
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high
