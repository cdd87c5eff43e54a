"""Every week's kudos totals, and each week's counts (kudos_weeks): the digest reads its weeks' kudos there.

Migration 0007 (and every rebuild before this one) wrote only the week running at that moment; the live path
has written each week since. Here each community's week rows are counted again from its live kudos, from the
week of its first live kudos to now, one statement per week and direction (storage/repositories/kudos_totals.py:
`rebuild_statements`, the same a zone change and an import run), and each week's given, givers and receivers
per tag from them. And accepted answers indexed by acceptance time (ix_question_answers_accepted): helpers
under a tag are ranked over a window (the digest's suggested helper, escalation), not every accepted answer;
a week's received rows by count (ix_kudos_totals_week_top, partial): its top receivers read from the end
(both stores sort only the last count's members).

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-01 05:00:00
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
ACCEPTED = ["community_id", "accepted_at", "question_id", "author_id", "deleted_at", "id"]


def upgrade() -> None:
    week_received = sa.text("period = 'week' AND direction = 'received'")
    op.create_index("ix_kudos_totals_week_top", "kudos_totals",
                    ["community_id", "period_start", "tag_id", "count", "member_id"],
                    sqlite_where=week_received, postgresql_where=week_received)
    op.create_index("ix_question_answers_accepted", "question_answers", ACCEPTED)
    op.create_table(
        "kudos_weeks",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("given", sa.Integer(), nullable=False),
        sa.Column("givers", sa.Integer(), nullable=False),
        sa.Column("receivers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("community_id", "week", "tag_id"),
    )
    from storage.repositories.kudos_totals import FIRST_LIVE, rebuild_statements

    bind = op.get_bind()
    now = datetime.now(UTC)
    for community_id, zone in bind.execute(sa.text("SELECT id, zone FROM communities")).all():
        first = bind.execute(FIRST_LIVE, {"community_id": community_id}).scalar()
        for statement in rebuild_statements(community_id, zone, now, ("week",), first):
            bind.execute(statement)
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE kudos_totals, kudos_weeks, question_answers")


def downgrade() -> None:
    op.drop_index("ix_kudos_totals_week_top", table_name="kudos_totals")
    op.drop_index("ix_question_answers_accepted", table_name="question_answers")
    op.drop_table("kudos_weeks")  # the older weeks' totals stay: harmless to code that never reads them
