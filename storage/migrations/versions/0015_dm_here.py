"""Direct messages reach a linked person on the identity they last acted through: members.dm_here.

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-01 04:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0011"  # member_links: which identities are one person
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: on SQLite a batch "move and copy" of members would fail the foreign keys pointing at it.
    op.add_column("members", sa.Column("dm_here", sa.Boolean(), server_default=sa.true(), nullable=False))
    # A person linked before this revision: their DMs go to the member holding their history, as before.
    op.execute("UPDATE members SET dm_here = false WHERE id IN (SELECT member_id FROM member_links)")


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("dm_here")
