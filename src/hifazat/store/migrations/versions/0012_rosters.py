"""published duty rosters and their assignments (issue 16)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 08:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hifazat.store.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rosters",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_rosters_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rosters")),
        sa.UniqueConstraint("provider_id", "version", name="uq_rosters_provider_version"),
    )
    op.create_index(op.f("ix_rosters_provider_id"), "rosters", ["provider_id"], unique=False)
    op.create_table(
        "roster_assignments",
        sa.Column("roster_id", sa.String(length=64), nullable=False),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift", sa.String(length=32), nullable=False),
        sa.Column("protectee_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["roster_id"], ["rosters.id"], name=op.f("fk_roster_assignments_roster_id_rosters")
        ),
        sa.ForeignKeyConstraint(
            ["protectee_id"],
            ["protectees.id"],
            name=op.f("fk_roster_assignments_protectee_id_protectees"),
        ),
        sa.PrimaryKeyConstraint("roster_id", "officer", "day", name=op.f("pk_roster_assignments")),
    )


def downgrade() -> None:
    op.drop_table("roster_assignments")
    op.drop_index(op.f("ix_rosters_provider_id"), table_name="rosters")
    op.drop_table("rosters")
