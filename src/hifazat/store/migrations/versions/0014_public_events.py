"""public events: dated, sourced public acts of an affiliation, for the retaliation test (issue 19)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hifazat.store.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_events",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("affiliation", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_public_events_entered_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_events")),
    )
    op.create_index("ix_public_events_affiliation_at", "public_events", ["affiliation", "at"])


def downgrade() -> None:
    op.drop_index("ix_public_events_affiliation_at", table_name="public_events")
    op.drop_table("public_events")
