"""A duty roster planned from the record: the provider's covers as decided become posts shift by
shift, its roll staffs them within the rules, a shortfall is counted, an approved withdrawal
ends its posts from the shift it bites, and only the provider's own desk may see the plan."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Api, Registry

REASON = ("--reason-code", "court-order", "--reason", "Sindh High Court ordered a security review")
RANKS = ("Constable", "Head Constable", "Assistant Sub-Inspector")


def _roll(tmp_path: Path) -> str:
    rows = ["service_number,name,rank,unit,qualifications,absences"]
    for n in range(20):
        quals = "driver" if n < 6 else ("female" if n < 9 else "armed")
        away = "leave:2026-01-27:2026-02-10" if n == 19 else ""
        rows.append(f"SP-{n:03},Officer {n:02},{RANKS[n % 3]},SSU Karachi,{quals},{away}")
    path = tmp_path / "officers.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return str(path)


def _plan(reg: Registry, by: str = "ssu-operator", days: int = 4) -> Any:
    return reg.cli("roster", "plan", "--provider", "sindh-police", "--from", "2026-01-28",
                   "--days", str(days), "--time-limit", "5", "--by", by, "--json")  # fmt: skip


@pytest.fixture
def staffed(demo: Registry, tmp_path: Path) -> Registry:
    loaded = demo.cli("roll", "import", _roll(tmp_path), "--kind", "officers",
                      "--provider", "sindh-police", "--by", "ssu-operator")  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    return demo


def test_the_desk_s_covers_become_posts_and_its_roll_stands_them(staffed: Registry) -> None:
    result = _plan(staffed)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    # three dedicated details (8 officers) and two nominal (2), in each of 3 shifts a day
    assert plan["officers_wanted"] == 4 * 3 * (3 * 8 + 2 * 2)
    posts = plan["posts"]
    assert {p["protectee"] for p in posts} == {
        "khalid-maqbool-siddiqui", "mustafa-kamal", "ali-khorshidi", "farooq-sattar",
        "anis-kaimkhani",
    }  # fmt: skip
    assert posts[0]["starts"] == "2026-01-28T01:00:00Z"  # 06:00 in Karachi
    on = [(p["day"], o["service_number"]) for p in posts for o in p["on_duty"]]
    assert max(Counter(on).values()) == 1  # nobody in two places, or twice a day
    assert not any(number == "SP-019" for _, number in on)  # on leave
    # 19 officers, one shift a day each at most: the rest is counted short, never hidden
    staffed_shifts = len(on)
    assert 0 < staffed_shifts <= 19 * 4
    assert plan["short"] == plan["officers_wanted"] - staffed_shifts
    # each officer short costs 1,000, and so does each driver short beside the head count
    assert plan["cost"]["total"] >= plan["cost"]["under"] >= 1000 * plan["short"]
    by_officer: dict[str, list[tuple[str, str]]] = {}
    for p in posts:
        for o in p["on_duty"]:
            by_officer.setdefault(o["service_number"], []).append((p["day"], p["shift"]))
    for held in by_officer.values():  # eleven hours' rest: no morning or evening after a night
        for (d1, s1), (d2, s2) in itertools.pairwise(sorted(held)):
            if s1 == "night":
                assert d1 == d2 or s2 == "night", held


def test_an_approved_withdrawal_ends_its_posts_from_the_shift_it_bites(staffed: Registry) -> None:
    proposed = staffed.cli("decide", "withdraw", "--protectee", "farooq-sattar",
                           "--provider", "sindh-police", *REASON, "--by", "ssu-operator",
                           "--effective", "2026-01-30T15:00:00+05:00", "--json")  # fmt: skip
    decision = json.loads(proposed.stdout)["decision"]
    pending = json.loads(_plan(staffed).stdout)  # proposed only: it changes nobody's duty
    assert sum(p["protectee"] == "farooq-sattar" for p in pending["posts"]) == 4 * 3
    approved = staffed.cli("approve", decision, "--by", "ssu-chief")
    assert approved.exit_code == 0, approved.output
    plan = json.loads(_plan(staffed).stdout)
    farooq = [(p["day"], p["shift"]) for p in plan["posts"] if p["protectee"] == "farooq-sattar"]
    # 28 and 29 January whole; on the 30th the morning (06:00) and evening (14:00) began before
    # the withdrawal bit at 15:00; the night and the 31st are gone
    assert farooq == [
        ("2026-01-28", "morning"), ("2026-01-28", "evening"), ("2026-01-28", "night"),
        ("2026-01-29", "morning"), ("2026-01-29", "evening"), ("2026-01-29", "night"),
        ("2026-01-30", "morning"), ("2026-01-30", "evening"),
    ]  # fmt: skip


@pytest.mark.parametrize("user", ["moi-operator", "auditor", "ptac-chair", "mqm-liaison"])
def test_only_the_provider_s_desk_plans_its_roster(staffed: Registry, user: str) -> None:
    result = _plan(staffed, by=user)
    assert result.exit_code == 1
    assert "may not" in result.stderr and "Officer" not in result.output


def test_a_plan_names_its_bad_input(staffed: Registry) -> None:
    too_long = _plan(staffed, days=93)
    assert too_long.exit_code == 2 and "days: must be 1 to 92" in too_long.stderr
    bad_day = staffed.cli("roster", "plan", "--provider", "sindh-police", "--from", "28/01/2026",
                          "--by", "ssu-operator")  # fmt: skip
    assert bad_day.exit_code == 2 and "--from" in bad_day.stderr
    table = staffed.cli("roster", "plan", "--provider", "sindh-police", "--from", "2026-01-28",
                        "--days", "1", "--time-limit", "3", "--by", "ssu-chief")  # fmt: skip
    assert table.exit_code == 0, table.output
    assert "Farooq Sattar" in table.stdout and "officer-shifts wanted" in table.stdout


def _full_roll(tmp_path: Path) -> str:
    """Enough officers to stand every Sindh post for two days: 28 a shift, 6 of them drivers."""
    rows = ["service_number,name,rank,unit,qualifications"]
    rows += [f"SP-{n:03},Officer {n:03},Constable,SSU Karachi,{'driver' if n < 20 else ''}"
             for n in range(90)]  # fmt: skip
    path = tmp_path / "full.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return str(path)


def _publish(reg: Registry) -> dict[str, Any]:
    result = reg.cli("roster", "publish", "--provider", "sindh-police", "--from", "2026-01-29",
                     "--days", "2", "--time-limit", "10", "--by", "ssu-operator",
                     "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def _shown(reg: Registry, by: str = "ssu-chief") -> Any:
    return reg.cli("roster", "show", "--provider", "sindh-police", "--from", "2026-01-29",
                   "--days", "2", "--by", by, "--json")  # fmt: skip


def test_re_rostering_after_a_withdrawal_frees_that_detail_and_moves_nobody_else(
    demo: Registry, tmp_path: Path
) -> None:
    loaded = demo.cli("roll", "import", _full_roll(tmp_path), "--kind", "officers",
                      "--provider", "sindh-police", "--by", "ssu-operator")  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    first = _publish(demo)
    assert first["short"] == 0, "the roll stands every post"
    assert {m["change"] for m in first["moves"]} == {"needed"}  # a first roster needs everyone
    before = {(a["day"], a["officer"]): (a["shift"], a["protectee"])
              for a in json.loads(_shown(demo).stdout)["assignments"]}  # fmt: skip
    assert len(before) == 2 * 3 * (3 * 8 + 2 * 2)

    withdraw = demo.cli("decide", "withdraw", "--protectee", "farooq-sattar",
                        "--provider", "sindh-police", *REASON, "--by", "ssu-operator",
                        "--effective", "2026-01-30T15:00:00+05:00", "--json")  # fmt: skip
    decision = json.loads(withdraw.stdout)["decision"]
    assert demo.cli("approve", decision, "--by", "ssu-chief").exit_code == 0
    second = _publish(demo)
    assert second["roster"] != first["roster"]
    # the two on Farooq Sattar's night post of the 30th are freed from the 30th, and no one else
    # is moved: every other assignment stands as published
    freed = second["moves"]
    assert len(freed) == 2
    assert all(m["change"] == "freed" and m["protectee"] == "farooq-sattar" for m in freed)
    assert {m["from"] for m in freed} == {"2026-01-30"} and {m["shifts"] for m in freed} == {1}
    after = {(a["day"], a["officer"]): (a["shift"], a["protectee"])
             for a in json.loads(_shown(demo).stdout)["assignments"]}  # fmt: skip
    gone = {
        k for k, v in before.items() if v == ("night", "farooq-sattar") and k[0] == "2026-01-30"
    }
    assert after == {k: v for k, v in before.items() if k not in gone}
    verified = demo.cli("ledger", "verify")
    assert verified.exit_code == 0, verified.output


@pytest.mark.parametrize("user", ["moi-operator", "auditor", "ptac-chair"])
def test_only_the_provider_s_desk_publishes_or_reads_its_roster(
    staffed: Registry, user: str
) -> None:
    published = staffed.cli("roster", "publish", "--provider", "sindh-police", "--from",
                            "2026-01-29", "--days", "1", "--time-limit", "3",
                            "--by", user)  # fmt: skip
    shown = _shown(staffed, by=user)
    for result in (published, shown):
        assert result.exit_code == 1 and "may not" in result.stderr
    assert staffed.dump()["rosters"] == []


def test_the_api_serves_the_roster_in_force_to_the_desk(api: Api, tmp_path: Path) -> None:
    reg = api.reg
    loaded = reg.cli("roll", "import", _roll(tmp_path), "--kind", "officers",
                     "--provider", "sindh-police", "--by", "ssu-operator")  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    published = reg.cli("roster", "publish", "--provider", "sindh-police", "--from", "2026-01-28",
                        "--days", "2", "--time-limit", "3", "--by", "ssu-operator")  # fmt: skip
    assert published.exit_code == 0, published.output
    cli = json.loads(_shown(reg).stdout)  # 29 and 30 January
    path = "/api/v1/providers/sindh-police/roster"
    answer = api.call("GET", path, "operator", params={"from": "2026-01-29", "days": 2})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body == cli and body["assignments"]  # the 29th as published; the 30th has none
    assert {a["day"] for a in body["assignments"]} == {"2026-01-29"}
    assert body["assignments"][0]["name"].startswith("Officer ")
    roll = api.call("GET", "/api/v1/providers/sindh-police/roll", "approver")
    assert [o["service_number"] for o in roll.json()["officers"]][:2] == ["SP-000", "SP-001"]
    for role in ("auditor", "committee", "admin"):
        denied = api.call("GET", path, role, params={"from": "2026-01-29"})
        assert denied.status_code == 403 and "Officer" not in denied.text
    bad = api.call("GET", path, "operator", params={"from": "2026-01-29", "days": 93})
    assert bad.status_code == 422


def test_the_later_publication_wins_a_day_even_at_the_same_instant(demo: Registry) -> None:
    """Two publications stamped with one instant (a fast desk, a coarse clock): the one made
    second is the roster in force, not whichever id sorts last."""
    from datetime import date

    from hifazat.domain.posts import Assignment

    day = date(2026, 1, 29)
    now = demo.clock()
    for n, officer in enumerate(["SP-A", "SP-B", "SP-C", "SP-D", "SP-E", "SP-F"]):
        with demo.uow() as uow:
            held = [Assignment(officer, day, "morning", "farooq-sattar")]
            uow.repo.add_roster(f"ro-{9 - n}", "sindh-police", day, 1, held, now, "ssu-operator")
            uow.commit()
        with demo.uow() as uow:
            assert [a.officer for a in uow.repo.roster_in_force("sindh-police", day, 1)] == [
                officer
            ]


def test_two_desks_publishing_at_once_never_share_a_version(demo: Registry) -> None:
    """Eight publications of one provider's roster at once: each lands with a version of its
    own, or is refused as a conflict that keeps nothing (PostgreSQL's writers meet at the
    version's unique index; SQLite's wait their turn)."""
    from datetime import date

    from sqlalchemy import select

    from hifazat.domain.errors import Conflict
    from hifazat.domain.posts import Assignment
    from hifazat.store import tables as t
    from tests.threads import together

    day = date(2026, 1, 29)

    def publish(k: int) -> None:
        with demo.uow() as uow:
            held = [Assignment(f"SP-{k}", day, "morning", "farooq-sattar")]
            uow.repo.add_roster(f"ro-{k}", "sindh-police", day, 1, held, demo.clock(), "x")
            uow.commit()

    errors = together(8, publish)
    assert all(isinstance(e, Conflict) and "published meanwhile" in str(e) for e in errors)
    with demo.engine.connect() as c:
        versions = c.execute(select(t.rosters.c.id, t.rosters.c.version)).all()
        kept = {r.roster_id for r in c.execute(select(t.roster_assignments.c.roster_id))}
    assert len(versions) == 8 - len(errors) >= 1
    assert sorted(v for _, v in versions) == list(range(1, len(versions) + 1))
    assert kept == {ident for ident, _ in versions}
