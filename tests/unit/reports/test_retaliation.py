"""The retaliation test finds cuts planted after a party's events, rarely flags what is not
there, and does not mistake a party cut often for a party cut on cue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hifazat.domain.decision import Action
from hifazat.domain.events import EventKind, PublicEvent
from hifazat.reports.retaliation import ALPHA, Reduction, Retaliation, retaliation
from tests.retaliation_data import END, NOW, PROVIDER, START, WINDOW, Party, evenly, party

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _event(eid: str, at: datetime, affiliation: str = "A") -> PublicEvent:
    return PublicEvent(
        eid, at, affiliation, EventKind.PROTEST, "Rally", "https://x.example", "u", NOW
    )


def _cut(did: str, at: datetime, affiliation: str = "A", provider: str = PROVIDER) -> Reduction:
    return Reduction(did, f"p-{did}", provider, affiliation, Action.WITHDRAW, at)


def _audit(parties: list[Party]) -> Retaliation:
    events = [
        _event(f"ev-{p.name}-{n}", at, p.name) for p in parties for n, at in enumerate(p.events)
    ]
    cuts = [_cut(f"{p.name}-{n}", at, p.name) for p in parties for n, at in enumerate(p.cuts)]
    return retaliation(events, sorted(cuts, key=lambda c: c.decided_at), START, END, WINDOW)


def test_the_p_value_is_exact_over_every_shift() -> None:
    day = timedelta(days=1)
    events = [_event(f"e{n}", T0 + n * day) for n in range(3)]
    cuts = [_cut(f"d{n}", T0 + n * day + day / 2) for n in range(3)]
    [t] = retaliation(events, cuts, T0, T0 + 20 * day, day).tests
    # unshifted, each cut falls in a window: 3; one day on, 2; two on, 1; one back, 2; two back, 1
    assert t.observed == 3
    assert t.shifts == 20
    assert t.p_value == pytest.approx(1 / 20)
    assert t.expected == pytest.approx(9 / 20)
    assert not t.flagged, "p must fall below alpha, not reach it"
    assert [d.after for d in t.decisions] == [("e0",), ("e1",), ("e2",)]


@pytest.mark.parametrize(("concentration", "power"), [(3.0, 0.95), (5.0, 1.0)])
def test_planted_retaliation_is_found_with_its_evidence(concentration: float, power: float) -> None:
    parties = [party(f"party-{s:02}", s, concentration) for s in range(20)]
    found = _audit(parties)
    assert len(found.tests) == 20
    flagged = {t.affiliation: t for t in found.findings}
    assert len(flagged) >= power * 20
    for t in flagged.values():
        assert t.p_value < ALPHA and t.observed >= 3 and t.observed > t.expected
        events = {e.id: e.at for e in t.events}
        for d in t.decisions:
            assert d.after and all(
                timedelta(0) <= d.decided_at - events[e] < WINDOW for e in d.after
            )
        assert {d.decision for d in t.decisions} == {
            r.decision
            for r in t.reductions
            if any(timedelta(0) <= r.decided_at - at < WINDOW for at in events.values())
        }


def test_unbiased_histories_flag_at_most_alpha() -> None:
    parties = [party(f"calm-{s:03}", 1000 + s) for s in range(200)]
    found = _audit(parties)
    assert len(found.tests) == 200
    assert len(found.findings) / 200 <= ALPHA


def test_a_party_cut_often_but_evenly_is_not_flagged_one_cut_on_cue_is() -> None:
    often = evenly("often", 1, 60)
    few = party("few", 2, concentration=1000.0, cuts=6)  # every cut inside a window
    found = _audit([often, few])
    assert {t.affiliation for t in found.findings} == {"few"}
    by = {t.affiliation: t for t in found.tests}
    assert by["often"].observed == pytest.approx(by["often"].expected, rel=0.35)


def test_too_few_events_are_not_tested_and_say_so() -> None:
    events = [_event("e1", T0 + timedelta(days=10)), _event("e2", T0 + timedelta(days=40))]
    cuts = [_cut("d1", T0 + timedelta(days=11))]
    found = retaliation(events, cuts, T0, T0 + timedelta(days=365), WINDOW)
    assert found.tests == ()
    assert [(u.affiliation, u.events, u.reason) for u in found.untested] == [("A", 2, "events")]


def test_a_period_no_longer_than_the_window_is_not_tested_and_says_so() -> None:
    """Every shift of the events would cover the whole period: timing cannot show."""
    events = [_event(f"e{n}", T0 + timedelta(days=n)) for n in range(4)]
    cuts = [_cut("d1", T0 + timedelta(days=2))]
    found = retaliation(events, cuts, T0, T0 + timedelta(days=10), timedelta(days=10))
    assert found.tests == ()
    assert [(u.affiliation, u.events, u.reason) for u in found.untested] == [("A", 4, "period")]
    empty = retaliation(events, cuts, T0, T0, timedelta(days=1))
    assert (empty.tests, empty.untested) == ((), ())


def test_a_provider_that_cut_nothing_is_tested_and_clear() -> None:
    events = [_event(f"e{n}", T0 + timedelta(days=30 * n)) for n in range(4)]
    found = retaliation(
        events, [], T0, T0 + timedelta(days=365), WINDOW, concerned={"A": ["quiet-police"]}
    )
    [t] = found.tests
    assert (t.provider, t.observed, t.expected, t.p_value, t.flagged) == (
        "quiet-police",
        0,
        0.0,
        1.0,
        False,
    )


def test_the_window_must_be_positive() -> None:
    with pytest.raises(ValueError, match="window"):
        retaliation([], [], START, END, timedelta(0))


def test_the_test_is_deterministic() -> None:
    parties = [party(f"party-{s:02}", s, 3.0) for s in range(3)]
    assert _audit(parties).as_dict() == _audit(parties).as_dict()
