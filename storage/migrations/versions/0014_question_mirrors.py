"""Question mirrors: a question posted in the Q&A channel of another bound workspace, and the copies of its
answers in the threads on the other side (bot/features/questions/mirror.py).

Revision ID: 0014
Revises: 0008
Create Date: 2026-12-01 04:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "question_mirrors",
        sa.Column("id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("answer_id", ID, nullable=True),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("thread_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"]),
        sa.ForeignKeyConstraint(["answer_id"], ["question_answers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_question_mirrors_message", "question_mirrors", ["platform", "workspace_id", "message_id"])
    op.create_index("ix_question_mirrors_question", "question_mirrors", ["question_id"])


def downgrade() -> None:
    op.drop_table("question_mirrors")
