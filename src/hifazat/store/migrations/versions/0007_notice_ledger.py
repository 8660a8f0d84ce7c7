"""notices in the ledger: delivery outcomes, and entries for notices already written

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 13:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hifazat.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("at", hifazat.store.types.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor"], ["users.id"], name=op.f("fk_notice_outcomes_actor_users")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_outcomes_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_outcomes")),
    )
    with op.batch_alter_table("notice_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_outcomes_notice_id"), ["notice_id"], unique=False
        )
    _enter_existing(op.get_bind())


def _enter_existing(c: sa.Connection) -> None:
    """Notices written before this revision get their entries now (and a delivered or dead one
    its outcome), so that verification holds every notice to the ledger from here on."""
    from hifazat.store import ledger_store
    from hifazat.store import tables as t

    n, d, o = t.notices, t.deliveries, t.notice_outcomes
    last_try = sa.select(sa.func.max(d.c.at)).where(d.c.notice_id == n.c.id).scalar_subquery()
    ended = c.execute(
        sa.select(n.c.id, n.c.state, n.c.delivered_at, n.c.last_error, n.c.created_at, last_try)
        .where(n.c.state.in_(["delivered", "dead"]))
        .order_by(n.c.created_at, n.c.id)
    ).all()
    for r in ended:
        at = r.delivered_at if r.state == "delivered" else (r[5] or r.created_at)
        reason = r.last_error if r.state == "dead" else None
        c.execute(
            sa.insert(o).values(notice_id=r.id, outcome=r.state, at=at, actor=None, reason=reason)
        )
    wanted = [
        ("notice.created", key)
        for key in c.execute(sa.select(n.c.id).order_by(n.c.created_at, n.c.id)).scalars()
    ]
    wanted += [
        ("notice.attempted", str(key))
        for key in c.execute(sa.select(d.c.id).order_by(d.c.id)).scalars()
    ]
    wanted += [
        (f"notice.{row.outcome}", str(row.id))
        for row in c.execute(sa.select(o.c.id, o.c.outcome).order_by(o.c.id))
    ]
    if wanted:
        ledger_store.append(c, wanted)


def downgrade() -> None:
    with op.batch_alter_table("notice_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_outcomes_notice_id"))
    op.drop_table("notice_outcomes")
