"""Activity without content: messages per member per local day (member_day_activity).

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-01 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "member_day_activity",
        sa.Column("community_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("community_id", "member_id", "day"),
    )
    op.create_index("ix_member_day_activity_day", "member_day_activity", ["community_id", "day"])


def downgrade() -> None:
    op.drop_index("ix_member_day_activity_day", table_name="member_day_activity")
    op.drop_table("member_day_activity")
