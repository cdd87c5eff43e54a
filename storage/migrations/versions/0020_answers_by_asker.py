"""An answer knows whether the asker wrote it (`by_asker`: their own reply in their thread, never counted as help),
and answers are indexed by time with it: the digest's top answerers counted from the index alone, instead of
joining every answer of the week to its question (PostgreSQL chose to scan every question for that: 29 ms at
200,000 questions).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 11:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = ["community_id", "created_at"]
WEEK = ["community_id", "created_at", "by_asker", "deleted_at", "author_id"]


def upgrade() -> None:
    op.add_column("question_answers", sa.Column("by_asker", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE question_answers SET by_asker = (author_id = (SELECT asker_id FROM questions"
               " WHERE questions.id = question_answers.question_id))")
    op.drop_index("ix_question_answers_time", table_name="question_answers")
    op.create_index("ix_question_answers_time", "question_answers", WEEK)


def downgrade() -> None:
    op.drop_index("ix_question_answers_time", table_name="question_answers")
    op.create_index("ix_question_answers_time", "question_answers", TIME)
    with op.batch_alter_table("question_answers") as batch:
        batch.drop_column("by_asker")
