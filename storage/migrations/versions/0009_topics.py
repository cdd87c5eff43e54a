"""Topics: the managed tag taxonomy with keywords, helpers' pauses, and escalations sent (weekly caps).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "topics",
        sa.Column("tag_id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("added_by_id", ID, nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"]),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["added_by_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("tag_id"),
    )
    op.create_index("ix_topics_community_id", "topics", ["community_id"])
    op.create_table(
        "helper_pauses",
        sa.Column("community_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.create_index("ix_helper_pauses_community_id", "helper_pauses", ["community_id"])
    op.create_table(
        "topic_escalations",
        sa.Column("id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_topic_escalations_member_time", "topic_escalations", ["community_id", "member_id", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_topic_escalations_member_time", table_name="topic_escalations")
    op.drop_table("topic_escalations")
    op.drop_index("ix_helper_pauses_community_id", table_name="helper_pauses")
    op.drop_table("helper_pauses")
    op.drop_index("ix_topics_community_id", table_name="topics")
    op.drop_table("topics")
