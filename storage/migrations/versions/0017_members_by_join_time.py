"""The digest finds the members who joined or left in its weeks through indexes, not by reading every member.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 09:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_members_joined", "members", ["community_id", "joined_at"])
    op.create_index("ix_members_left", "members", ["community_id", "left_at"])


def downgrade() -> None:
    op.drop_index("ix_members_left", table_name="members")
    op.drop_index("ix_members_joined", table_name="members")
