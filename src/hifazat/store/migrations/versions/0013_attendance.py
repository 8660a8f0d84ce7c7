"""attendance: officers checking in and out at a protectee's post (issue 16)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 11:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hifazat.store.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attendance",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.Column("protectee_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("vehicle", sa.String(length=100), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("kind IN ('in', 'out')", name=op.f("ck_attendance_kind")),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_attendance_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["protectee_id"],
            ["protectees.id"],
            name=op.f("fk_attendance_protectee_id_protectees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
    )
    op.create_index("ix_attendance_provider_at", "attendance", ["provider_id", "at"])
    op.create_index("ix_attendance_protectee_at", "attendance", ["protectee_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_attendance_protectee_at", table_name="attendance")
    op.drop_index("ix_attendance_provider_at", table_name="attendance")
    op.drop_table("attendance")
