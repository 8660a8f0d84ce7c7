"""Replays that pick up where the last one over the same cover stopped.

The rules replay a protectee's approved decisions at one provider for every decision they judge
(R-STATE with the decision added, the floors for the cover just before it), so an import of a
protectee's whole history would replay it once per decision and rule: quadratic in its length.
Each replay here remembers, per protectee and provider, the decisions it applied in order and
the cover after each; the next replay reuses the longest prefix made of the very same decision
objects (identity, not equality: a decision is immutable, so the same object applied to the
same cover gives the same cover) and applies only the rest. The verdict is the one `replay`
gives, refusals included: an apply that refuses is not remembered, and runs again next time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from threading import Lock

from hifazat.domain.coverage import Cover, apply
from hifazat.domain.decision import Decision, replay_order
from hifazat.domain.provider import Provider

#: covers remembered at once; past this the memory is dropped whole (it only saves work)
LIMIT = 4096

_Key = tuple[str, str]
_Order = tuple[datetime, datetime, int, str]
# per (protectee, provider): the provider, then (decision, its replay order, cover after it)
_Memo = tuple[Provider, tuple[tuple[Decision, _Order, Cover], ...]]
_memo: dict[_Key, _Memo] = {}
_lock = Lock()


def replay(decisions: Iterable[Decision], provider: Provider) -> Cover | None:
    """As `coverage.replay`: the cover after these approved decisions, in effective order."""
    listed = list(decisions)
    if not listed:
        return None
    key = (listed[0].protectee_id, provider.id)
    with _lock:
        memo = _memo.get(key)
    known: dict[int, tuple[Decision, _Order, Cover]] = {}
    steps: tuple[tuple[Decision, _Order, Cover], ...] = ()
    if memo is not None and memo[0] is provider:
        steps = memo[1]
        known = {id(step[0]): step for step in steps}
    ordered: list[tuple[_Order, Decision]] = []
    for d in listed:
        step = known.get(id(d))
        ordered.append((step[1] if step is not None and step[0] is d else replay_order(d), d))
    ordered.sort(key=lambda pair: pair[0])
    same = 0
    for (_, d), step in zip(ordered, steps, strict=False):
        if step[0] is not d:
            break
        same += 1
    cover = steps[same - 1][2] if same else None
    done = list(steps[:same])
    try:
        for order, d in ordered[same:]:
            at = d.takes_effect_at
            assert at is not None
            cover = apply(cover, d, provider, at)
            done.append((d, order, cover))
    finally:
        if len(done) > same:  # a replay of a prefix leaves the longer memory as it was
            with _lock:
                if len(_memo) >= LIMIT:
                    _memo.clear()
                _memo[key] = (provider, tuple(done))
    return cover
