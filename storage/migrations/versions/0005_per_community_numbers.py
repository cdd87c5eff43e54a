"""Kudos and meetups are numbered per community, so one community's numbers reveal nothing of others.

Adds ``number`` to kudos and meetups (unique per community) and, on communities, the last number each has
given out (``last_kudos_number``, ``last_meetup_number``): a new kudos takes the next one with one
``UPDATE ... RETURNING``, whose row lock makes two replicas numbering at once take turns. Existing rows are
numbered in the order they were created (``row_number()`` over their ids, per community).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 21:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ("0003",)  # the meetups table


def _number(table: str) -> None:
    # UPDATE ... FROM: PostgreSQL, and SQLite since 3.33
    op.execute(f"""
        UPDATE {table} SET number = ranked.n
        FROM (SELECT id, row_number() OVER (PARTITION BY community_id ORDER BY id) AS n FROM {table}) AS ranked
        WHERE ranked.id = {table}.id""")


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE UNIQUE INDEX: on SQLite a batch "move and copy" of kudos or meetups would
    # drop a table that others reference, which fails with foreign keys on.
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column("communities", sa.Column("last_kudos_number", sa.Integer(), server_default="0", nullable=False))
    op.add_column("communities", sa.Column("last_meetup_number", sa.Integer(), server_default="0", nullable=False))
    for table in ("kudos", "meetups"):
        op.add_column(table, sa.Column("number", sa.Integer(), server_default="0", nullable=False))
        _number(table)
        if postgres:  # the store always gives the number; SQLite cannot drop a default without a copy
            op.alter_column(table, "number", server_default=None)
        op.create_index(f"uq_{table}_community_number", table, ["community_id", "number"], unique=True)
    op.execute("""
        UPDATE communities SET
            last_kudos_number = (SELECT coalesce(max(number), 0) FROM kudos WHERE kudos.community_id = communities.id),
            last_meetup_number = (SELECT coalesce(max(number), 0) FROM meetups
                                  WHERE meetups.community_id = communities.id)""")


def downgrade() -> None:
    for table in ("meetups", "kudos"):
        op.drop_index(f"uq_{table}_community_number", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("number")
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_column("last_meetup_number")
        batch_op.drop_column("last_kudos_number")
