"""Property tests through the service layer: random command sequences from two desks.

A reference model written here from DESIGN.md's state table (not the domain's code) replays what
the registry accepted; the registry's status at any instant must equal it, and no accepted
sequence may ever break the state machine."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hifazat.domain.decision import Action, Basis
from hifazat.domain.errors import Refusal
from hifazat.domain.protectee import Protectee
from hifazat.services import decide
from hifazat.services.decide import Proposal
from hifazat.services.status import protectee_status
from tests.conftest import Registry

DESKS = {
    "sindh-police": ("ssu-operator", "ssu-chief", ["nominal", "standard", "dedicated"]),
    "moi-federal": ("moi-operator", "moi-approver", ["standard", "dedicated"]),
}
RANKS = {"nominal": 1, "standard": 2, "dedicated": 3}
ALLOWED: dict[str, set[str | None]] = {  # action -> states it may start from (None: no cover)
    "grant": {None, "withdrawn"},
    "upgrade": {"active"},
    "downgrade": {"active"},
    "suspend": {"active"},
    "resume": {"suspended"},
    "withdraw": {"active", "suspended"},
}
counter = itertools.count()

command = st.tuples(
    st.sampled_from(sorted(DESKS)),
    st.sampled_from(["grant", "grant", *sorted(ALLOWED)]),
    st.sampled_from(["nominal", "standard", "dedicated"]),
    st.sampled_from([0, 80, 200]),  # effective after this many hours (0: the soonest lawful)
    st.sampled_from(["approve", "approve", "approve", "leave", "rescind"]),
    st.integers(min_value=1, max_value=120),  # hours until the next command
)


def reference(accepted: list[dict[str, Any]], at: datetime) -> dict[str, tuple[str, str]]:
    """provider -> (state, category) of open cover, from the accepted decisions known at `at`."""
    cover: dict[str, tuple[str, str]] = {}
    state: str | None
    live = [
        d
        for d in accepted
        if d["decided"] <= at
        and d["effective"] <= at
        and (d["rescinded"] is None or d["rescinded"] > at)
    ]
    for d in sorted(live, key=lambda d: (d["effective"], d["decided"], d["id"])):
        state, category = cover.get(d["provider"], (None, ""))
        assert state in ALLOWED[d["action"]], f"state machine broken by {d}"
        if d["action"] == "grant":
            cover[d["provider"]] = ("active", d["category"])
        elif d["action"] in ("upgrade", "downgrade"):
            up = RANKS[d["category"]] > RANKS[category]
            assert up == (d["action"] == "upgrade") and d["category"] != category
            cover[d["provider"]] = ("active", d["category"])
        else:
            new = {"suspend": "suspended", "resume": "active", "withdraw": "withdrawn"}
            cover[d["provider"]] = (new[d["action"]], category)
    return {p: c for p, c in cover.items() if c[0] != "withdrawn"}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(commands=st.lists(command, min_size=1, max_size=12))
def test_status_equals_replay_and_state_machine_holds(demo: Registry, commands: list[Any]) -> None:
    pid = f"p-{next(counter)}"
    with demo.uow() as uow:
        uow.repo.add_protectee(Protectee(pid, "Test Person", False), demo.clock())
        uow.commit()
    start = demo.clock()
    now = start
    accepted: list[dict[str, Any]] = []
    for provider, action, category, hours, then, gap in commands:
        operator, approver, categories = DESKS[provider]
        if category not in categories:
            category = categories[0]
        now += timedelta(hours=gap)
        clock = (lambda t: lambda: t)(now)
        effective = now + timedelta(hours=hours) if hours else None
        proposal = Proposal(
            action=Action(action),
            protectee=pid,
            provider=provider,
            reason_code="court-order",
            reason="A reason long enough to pass the rule",
            by=operator,
            category=category if action in ("grant", "upgrade", "downgrade") else None,
            basis=Basis.POSITIONAL if action == "grant" else None,
            effective_at=effective,
        )
        try:
            proposed = decide.propose(demo.uow(), proposal, clock)
        except Refusal:
            continue
        if then == "leave":
            continue
        if then == "rescind":
            decide.rescind(
                demo.uow(),
                proposed.decision.id,
                operator,
                "Proposed in error by the duty desk",
                clock,
            )
            continue
        try:
            d = decide.approve(demo.uow(), proposed.decision.id, approver, clock)
        except Refusal:
            continue
        assert d.effective_at is not None
        accepted.append(
            {
                "id": d.id,
                "provider": provider,
                "action": action,
                "category": category,
                "decided": now,
                "effective": d.effective_at,
                "rescinded": None,
            }
        )

    event(f"{min(len(accepted), 4)}+ accepted decisions")
    instants = {start, now, now + timedelta(days=30)}
    for row in accepted:
        instants |= {row["effective"] - timedelta(seconds=1), row["effective"]}
    for at in sorted(instants):
        status = protectee_status(demo.uow(), pid, at)
        got = {c.provider_id: (c.state.value, c.category_id) for c in status.covers}
        assert got == reference(accepted, at), at
