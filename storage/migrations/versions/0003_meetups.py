"""Meetups: meetups, occurrences, RSVPs with attendance, DM mutes.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 15:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meetups",
        sa.Column("id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("local_start", sa.String(length=19), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("rrule", sa.String(length=500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("offsets", sa.String(length=100), nullable=False),
        sa.Column("scheduled_until", TIME, nullable=False),
        sa.Column("cancelled_at", TIME, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["creator_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meetups", schema=None) as batch_op:
        batch_op.create_index("ix_meetups_community", ["community_id", "cancelled_at"], unique=False)

    op.create_table(
        "meetup_occurrences",
        sa.Column("id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("meetup_id", ID, nullable=False),
        sa.Column("original_start", TIME, nullable=False),
        sa.Column("start_at", TIME, nullable=False),
        sa.Column("cancelled_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["meetup_id"], ["meetups.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meetup_id", "original_start"),
    )
    with op.batch_alter_table("meetup_occurrences", schema=None) as batch_op:
        batch_op.create_index("ix_meetup_occurrences_start", ["community_id", "start_at"], unique=False)

    op.create_table(
        "meetup_rsvps",
        sa.Column("id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("occurrence_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answered_at", TIME, nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("attended_marked_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["occurrence_id"], ["meetup_occurrences.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("occurrence_id", "member_id"),
    )
    with op.batch_alter_table("meetup_rsvps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetup_rsvps_community_id"), ["community_id"], unique=False)

    op.create_table(
        "meetup_mutes",
        sa.Column("community_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("muted_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("member_id"),
    )
    with op.batch_alter_table("meetup_mutes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetup_mutes_community_id"), ["community_id"], unique=False)


def downgrade() -> None:
    op.drop_table("meetup_mutes")
    op.drop_table("meetup_rsvps")
    op.drop_table("meetup_occurrences")
    op.drop_table("meetups")
