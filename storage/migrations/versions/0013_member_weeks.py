"""Active weeks kept as the actions happen (member_weeks), and the questions' and answers' times indexed: the
digest counts its weeks instead of carrying every active member into Python and scanning every question.

member_weeks: one row per member and local week they acted in (community, member, week: its Monday in the
community's zone), with the member's next active week, filled here from what the tables hold, in each
community's zone (storage/repositories/member_weeks.py: `rebuild_statements`, the same a zone change runs).
Questions: by posting time, by first response (with what the unanswered counts read), by solution, by close;
answers by time.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 04:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0008"  # the questions tables

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
QUESTION_INDEXES = {
    "ix_questions_asked": ["community_id", "posted_at", "created_at", "status"],
    "ix_questions_response": ["community_id", "first_answer_at", "closed_at", "solved_at", "status", "posted_at",
                              "created_at"],
    "ix_questions_solved": ["community_id", "solved_at", "status", "posted_at", "created_at"],
    "ix_questions_closed": ["community_id", "closed_at", "status"],
}


def upgrade() -> None:
    op.create_table(
        "member_weeks",
        sa.Column("community_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("next_week", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("community_id", "member_id", "week"),
    )
    op.create_index("ix_member_weeks_week", "member_weeks", ["community_id", "week", "next_week"])
    for name, columns in QUESTION_INDEXES.items():
        op.create_index(name, "questions", columns)
    op.create_index("ix_question_answers_time", "question_answers", ["community_id", "created_at"])
    backfill(op.get_bind())


def backfill(connection) -> None:
    from bot.features.activity import local_weeks
    from storage.repositories.member_weeks import rebuild_statements, span_statement, spanned

    for community_id, zone in connection.execute(sa.text("SELECT id, zone FROM communities")).all():
        times, days = span_statement(community_id)
        span = spanned([connection.execute(query).one() for query in times], connection.execute(days).one())
        if span:
            for statement in rebuild_statements(community_id, local_weeks(*span, zone)):
                connection.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_question_answers_time", table_name="question_answers")
    for name in QUESTION_INDEXES:
        op.drop_index(name, table_name="questions")
    op.drop_index("ix_member_weeks_week", table_name="member_weeks")
    op.drop_table("member_weeks")
