"""Notices and their delivery in the ledger, and the checkpoint kept beside the key: an edit
made with raw SQL to what a protectee was told, to a delivery record, or to the checkpoints
themselves fails `ledger verify`, naming the record."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, delete, insert, select, text, update
from sqlalchemy.engine import make_url

from hifazat.cli.delivery import deliver_due
from hifazat.ledger.note import Signer
from hifazat.services.importer import import_scenario
from hifazat.store import tables as t
from hifazat.store.engine import make_engine
from hifazat.store.ledger_check import verify
from hifazat.store.migrate import upgrade
from hifazat.store.uow import UnitOfWork
from tests.conftest import SCENARIO, Registry
from tests.integration.test_notify_support import (
    add_channel,
    allow_loopback,
    decide_now,
    http_receiver,
    notice_ids,
)


@dataclass
class Delivered:
    reg: Registry
    decision: str
    liaison_notice: str  # delivered on a webhook
    protectee_notice: str  # waiting: the protectee has no channel


@pytest.fixture
def delivered(demo: Registry, monkeypatch: pytest.MonkeyPatch) -> Delivered:
    """A withdrawal told to the protectee and to their liaison, the liaison's notice delivered
    on a webhook (after one failed attempt), and a checkpoint over it all."""
    allow_loopback(monkeypatch)
    with http_receiver() as receiver:
        receiver.queued["/liaison"] = [500]
        add_channel(demo, "mqm-liaison", "user", "webhook", receiver.url + "/liaison")
        decision = decide_now(demo)
        deliver_due(demo.engine, demo.clock, "worker-1", None)
        demo.clock.advance(minutes=1)
        assert deliver_due(demo.engine, demo.clock, "worker-1", None).counts["delivered"] == 1
    assert demo.cli("ledger", "checkpoint").exit_code == 0
    ids = notice_ids(demo, decision)
    return Delivered(demo, decision, ids["mqm-liaison"], ids["farooq-sattar"])


def _verify(reg: Registry) -> tuple[int, str, dict[str, object]]:
    result = reg.cli("ledger", "verify", "--json")
    return result.exit_code, result.stderr, json.loads(result.stdout)


def _entries(reg: Registry, prefix: str) -> list[dict[str, object]]:
    query = select(t.ledger_entries.c.entry).order_by(t.ledger_entries.c.seq)
    with reg.engine.connect() as c:
        found = [json.loads(e) for e in c.execute(query).scalars()]
    return [e for e in found if str(e["kind"]).startswith(prefix)]


def test_notices_attempts_and_outcomes_are_entered_and_verify(delivered: Delivered) -> None:
    code, err, report = _verify(delivered.reg)
    assert code == 0 and report["ok"] is True, err
    created = _entries(delivered.reg, "notice.created")
    assert {e["payload"]["notice"] for e in created} == {  # type: ignore[index]
        delivered.liaison_notice,
        delivered.protectee_notice,
    }
    told = next(e for e in created if e["payload"]["recipient"] == "mqm-liaison")  # type: ignore[index]
    assert told["payload"]["decision"] == delivered.decision  # type: ignore[index]
    assert len(told["payload"]["body_sha256"]) == 64  # type: ignore[index]
    attempts = [e["payload"] for e in _entries(delivered.reg, "notice.attempted")]
    assert [(a["notice"], a["ok"]) for a in attempts] == [  # type: ignore[index]
        (delivered.liaison_notice, False),
        (delivered.liaison_notice, True),
    ]
    [outcome] = _entries(delivered.reg, "notice.delivered")
    assert outcome["payload"]["notice"] == delivered.liaison_notice  # type: ignore[index]


def _first_liaison_attempt(c: Connection, d: Delivered) -> int:
    query = select(t.deliveries.c.id).where(t.deliveries.c.notice_id == d.liaison_notice)
    return int(c.execute(query.order_by(t.deliveries.c.id)).scalars().first() or 0)


def _edit_body(c: Connection, d: Delivered) -> None:
    query = select(t.notices.c.body).where(t.notices.c.id == d.liaison_notice)
    body = dict(c.execute(query).scalar_one())
    body["reason"] = "Routine redeployment of personnel"
    c.execute(update(t.notices).where(t.notices.c.id == d.liaison_notice).values(body=body))


def _edit_recipient(c: Connection, d: Delivered) -> None:
    c.execute(
        update(t.notices).where(t.notices.c.id == d.liaison_notice).values(recipient="auditor")
    )


def _delete_notice(c: Connection, d: Delivered) -> None:
    c.execute(delete(t.notice_outcomes).where(t.notice_outcomes.c.notice_id == d.liaison_notice))
    c.execute(delete(t.deliveries).where(t.deliveries.c.notice_id == d.liaison_notice))
    c.execute(delete(t.notices).where(t.notices.c.id == d.liaison_notice))


def _edit_delivery(c: Connection, d: Delivered) -> None:
    first = _first_liaison_attempt(c, d)  # the failed one, claimed to have succeeded
    c.execute(update(t.deliveries).where(t.deliveries.c.id == first).values(ok=True))


def _delete_delivery(c: Connection, d: Delivered) -> None:
    first = _first_liaison_attempt(c, d)
    c.execute(delete(t.deliveries).where(t.deliveries.c.id == first))


def _edit_outcome(c: Connection, d: Delivered) -> None:
    c.execute(
        update(t.notice_outcomes)
        .where(t.notice_outcomes.c.notice_id == d.liaison_notice)
        .values(outcome="dead", reason="no channel took it")
    )


Tamper = Callable[[Connection, Delivered], None]
#: what is changed behind the application's back -> (the entry's kind, record, words)
TAMPER: dict[str, tuple[Tamper, str, str, str]] = {
    "notice body": (_edit_body, "notice.created", "notice {notice}", "payload.body_sha256"),
    "notice recipient": (_edit_recipient, "notice.created", "notice {notice}", "payload.recipient"),
    "deleted notice": (_delete_notice, "notice.created", "notice {notice}", "missing"),
    "delivery row": (
        _edit_delivery,
        "notice.attempted",
        "delivery attempt {attempt}",
        "payload.ok",
    ),
    "deleted delivery row": (
        _delete_delivery,
        "notice.attempted",
        "delivery attempt {attempt}",
        "missing",
    ),
    "delivery outcome": (_edit_outcome, "notice.delivered", "delivery outcome", "missing"),
}


@pytest.mark.parametrize("case", sorted(TAMPER))
def test_an_edit_to_a_notice_or_its_delivery_is_caught_and_named(
    delivered: Delivered, case: str
) -> None:
    assert _verify(delivered.reg)[0] == 0
    tamper, kind, record, words = TAMPER[case]
    with delivered.reg.engine.begin() as c:
        attempt = _first_liaison_attempt(c, delivered)
        tamper(c, delivered)
    code, err, report = _verify(delivered.reg)
    assert code == 1 and report["ok"] is False
    first = report["first_problem"]
    assert isinstance(first, dict)
    expected = record.format(notice=delivered.liaison_notice, attempt=attempt)
    assert first["kind"] == kind and str(first["record"]).startswith(expected), first
    assert words in first["message"], first
    assert err.startswith("error: ledger: ")


def test_the_latest_checkpoint_is_kept_beside_the_key_owner_only(delivered: Delivered) -> None:
    kept = delivered.reg.key_path.with_name(delivered.reg.key_path.name + ".checkpoint")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    latest = delivered.reg.cli("ledger", "checkpoint", "--json")
    assert json.loads(latest.stdout)["checkpoint"] == kept.read_text(encoding="utf-8")
    delivered.reg.clock.advance(days=5)  # the withdrawal takes effect: a larger checkpoint
    grown = json.loads(delivered.reg.cli("ledger", "checkpoint", "--json").stdout)
    assert grown["new"] is True and grown["checkpoint"] == kept.read_text(encoding="utf-8")
    assert not [p for p in kept.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("which", ["every checkpoint", "the latest checkpoint"])
def test_a_lost_checkpoint_fails_verification(delivered: Delivered, which: str) -> None:
    reg = delivered.reg
    reg.clock.advance(days=5)
    assert reg.cli("ledger", "checkpoint").exit_code == 0
    assert _verify(reg)[0] == 0
    with reg.engine.begin() as c:
        if which == "every checkpoint":
            c.execute(text("DELETE FROM ledger_checkpoints"))
        else:
            latest = c.execute(select(text("max(id)")).select_from(t.ledger_checkpoints)).scalar()
            c.execute(delete(t.ledger_checkpoints).where(t.ledger_checkpoints.c.id == latest))
    code, err, report = _verify(reg)
    assert code == 1 and report["ok"] is False
    first = report["first_problem"]
    assert isinstance(first, dict)
    assert first["kind"] == "checkpoint" and "kept checkpoint" in str(first["record"]), first
    assert "deleted or the log was rolled back" in str(first["message"])
    assert "kept checkpoint" in err
    # the log alone is checked against it too
    assert reg.cli("ledger", "verify", "--log-only").exit_code == 1


@pytest.fixture
def before_0007(registry: Registry, tmp_path: Path) -> Iterator[Engine]:
    """An empty database at revision 0006, before notices were entered in the ledger."""
    if registry.backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        upgrade(engine, "0006")
        yield engine
        engine.dispose()
        return
    admin = create_engine(make_url(registry.url), isolation_level="AUTOCOMMIT")
    name = f"hifazat_before_0007_{os.getpid()}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(registry.url).set(database=name).render_as_string(False))
    try:
        upgrade(engine, "0006")
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_upgrade_enters_notices_written_before_it(
    registry: Registry, before_0007: Engine
) -> None:
    """Notices delivered (or not) under 0006 get their entries at the upgrade, so the ledger of
    an upgraded registry verifies and covers them from then on."""
    # today's import writes the language (0009): give it the column for the import only
    columns = ("users", "protectees")
    with before_0007.begin() as c:
        for table in columns:
            c.execute(text(f"ALTER TABLE {table} ADD language VARCHAR(8) DEFAULT 'en' NOT NULL"))
    import_scenario(UnitOfWork(before_0007), SCENARIO, registry.clock)
    with before_0007.begin() as c:
        for table in columns:
            c.execute(text(f"ALTER TABLE {table} DROP COLUMN language"))
    at = registry.clock()
    body = {"headline": "Cover withdrawn", "reason": "court order"}
    with before_0007.begin() as c:  # as the 0006 code wrote them: no ledger entries
        for n, (recipient, state) in enumerate([("mqm-liaison", "delivered"), ("x", "dead")]):
            c.execute(
                insert(t.notices).values(
                    id=f"n-old-{n}",
                    subject="decision",
                    subject_id="d-006",
                    decision_id="d-006",
                    protectee_id="farooq-sattar",
                    recipient=recipient,
                    recipient_kind="liaison",
                    created_at=at,
                    body=body,
                    state=state,
                    attempts=1,
                    delivered_at=at if state == "delivered" else None,
                    last_error=None if state == "delivered" else "ch-1: webhook: HTTP 503",
                )
            )
        c.execute(
            text(
                "INSERT INTO notice_channels (id, owner, owner_kind, kind, address, created_at)"
                " VALUES ('ch-1', 'mqm-liaison', 'user', 'email', 'l@example.org', :at)"
            ),
            {"at": at},
        )
        for n, ok in enumerate([True, False]):
            c.execute(
                insert(t.deliveries).values(
                    notice_id=f"n-old-{n}", channel_id="ch-1", at=at, ok=ok, detail="x"
                )
            )
    upgrade(before_0007)
    verifier = Signer.generate("test.example/ledger").verifier()  # no checkpoints to check
    report = verify(before_0007, verifier)
    assert report.ok, report.problems[:3]
    with before_0007.connect() as c:
        kinds = [
            k
            for k in c.execute(select(t.ledger_entries.c.kind)).scalars()
            if k.startswith("notice.")
        ]
    assert sorted(kinds) == sorted(
        ["notice.created"] * 2 + ["notice.attempted"] * 2 + ["notice.delivered", "notice.dead"]
    )
    with before_0007.begin() as c:
        c.execute(update(t.notices).where(t.notices.c.id == "n-old-1").values(recipient="y"))
    first = verify(before_0007, verifier).problems[0]
    assert first.kind == "notice.created" and first.record == "notice n-old-1"
