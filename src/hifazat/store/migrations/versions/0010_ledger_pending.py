"""changes waiting to be entered in the ledger, for group commit on PostgreSQL

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 01:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hifazat.store.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_pending",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("made_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ledger_pending")
