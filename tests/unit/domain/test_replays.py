"""The remembering replay the rules use gives what `coverage.replay` gives, refusals included,
whatever order of histories it is asked about."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from hifazat.domain.coverage import Cover, replay
from hifazat.domain.decision import Action, Decision
from hifazat.domain.errors import Refusal
from hifazat.domain.rules import replays
from tests.unit.domain.builders import SINDH, T0, approved, decision

DAY = timedelta(days=1)

LIFE = [
    approved(decision(), T0),
    approved(decision(Action.DOWNGRADE, id="d-2", category="standard"), T0 + DAY),
    approved(decision(Action.SUSPEND, id="d-3"), T0 + 2 * DAY),
    approved(decision(Action.RESUME, id="d-4"), T0 + 3 * DAY),
    approved(decision(Action.UPGRADE, id="d-5", category="dedicated"), T0 + 4 * DAY),
    approved(decision(Action.WITHDRAW, id="d-6"), T0 + 5 * DAY),
]


def _outcome(replayer: object, history: list[Decision]) -> Cover | str | None:
    try:
        return replayer(history, SINDH)  # type: ignore[operator,no-any-return]
    except Refusal as refusal:
        return f"refused: {refusal.violations[0].message}"


def test_every_prefix_subset_and_order_replays_as_the_plain_replay() -> None:
    asked = [
        [LIFE[i] for i in picked]
        for size in range(len(LIFE) + 1)
        for picked in itertools.combinations(range(len(LIFE)), size)
    ]
    # the same histories growing, shrinking and jumping about, as the rules ask them
    for history in [*asked, *reversed(asked), *asked[::3], *asked[::-5]]:
        assert _outcome(replays.replay, history) == _outcome(replay, history)


def test_a_refused_step_is_refused_again_and_not_remembered() -> None:
    bad = approved(decision(Action.UPGRADE, id="d-9", category="nominal"), T0 + DAY)
    for _ in range(2):
        with pytest.raises(Refusal) as caught:
            replays.replay([LIFE[0], bad], SINDH)
        assert caught.value.rule == "R-STATE"
    assert replays.replay(LIFE[:2], SINDH) == replay(LIFE[:2], SINDH)
