"""Running leaderboard totals (kudos_totals), backfilled from the kudos already there.

Each community's all-time rows and the rows of the week, month and quarter running now in its zone are counted
from its live kudos (storage/repositories/kudos_totals.py: older periods are never shown, so never counted).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 22:30:00
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kudos_totals",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("community_id", "direction", "period", "period_start", "tag_id", "member_id"),
    )
    # The running code's statements, so the backfill counts exactly as the bot does. They read only the kudos
    # columns leaderboards have always read (community, giver, receiver, created_at, revoked_at, tags).
    from storage.repositories.kudos_totals import rebuild_statements

    bind = op.get_bind()
    now = datetime.now(UTC)
    for community_id, zone in bind.execute(sa.text("SELECT id, zone FROM communities")).all():
        for statement in rebuild_statements(community_id, zone, now, weeks_table=False):  # 0016 has it
            bind.execute(statement)
    if bind.dialect.name == "postgresql":  # a bulk-loaded table has no planner statistics until autovacuum comes
        op.execute("ANALYZE kudos_totals")


def downgrade() -> None:
    op.drop_table("kudos_totals")
