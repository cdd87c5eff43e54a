"""Active members per local week counted as they are recorded (active_counts), filled from member_weeks.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 09:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "active_counts",
        sa.Column("community_id", ID, nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("community_id", "week"),
    )
    op.execute("INSERT INTO active_counts (community_id, week, members)"
               " SELECT community_id, week, count(*) FROM member_weeks GROUP BY community_id, week")


def downgrade() -> None:
    op.drop_table("active_counts")
