"""a language for each user and protectee, the one their notices are written in

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a server default fills the existing rows (English, what every notice was written in) and
    # lets SQLite add the column without rebuilding a table other rows refer to
    for table in ("users", "protectees"):
        op.add_column(
            table,
            sa.Column("language", sa.String(length=8), nullable=False, server_default="en"),
        )


def downgrade() -> None:
    for table in ("protectees", "users"):
        op.drop_column(table, "language")
