"""channels can be removed: kept, with who removed them and when, since attempts name them

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hifazat.store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain columns (removed_by names a user without a foreign key): adding them rebuilds no
    # table on SQLite, whose rebuild would trip over the attempts that refer to the channels
    op.add_column(
        "notice_channels",
        sa.Column("removed_at", hifazat.store.types.UTCDateTime(), nullable=True),
    )
    op.add_column("notice_channels", sa.Column("removed_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # older code would send to a removed channel again: refuse rather than revive one (its
    # attempts are in the ledger, so it cannot simply be deleted)
    removed = op.get_bind().execute(
        sa.text("SELECT count(*) FROM notice_channels WHERE removed_at IS NOT NULL")
    )
    if removed.scalar_one():
        raise RuntimeError(
            "downgrade below 0008 refused: removed notice channels would be sent to again"
        )
    op.drop_column("notice_channels", "removed_by")
    op.drop_column("notice_channels", "removed_at")
