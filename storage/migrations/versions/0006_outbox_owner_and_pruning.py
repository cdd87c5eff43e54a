"""Outbox leases name their holder, so only the dispatcher holding a row renews, retries or releases it.

Pruning old sent rows and old processed event ids needs no new index: ``ix_outbox_due`` starts with
``sent_at`` and ``processed_events.received_at`` is indexed since 0001.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 18:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
# The chain at merge is 0005 -> 0006; this branch has no 0005 yet, so it sits on 0004 until then.
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("lease_owner")
