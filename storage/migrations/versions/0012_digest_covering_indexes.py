"""The digest's week ranges read the index alone: kudos by time also hold revoked_at, giver and receiver, and the
activity rows by day also hold the member and the messages.

The digest reads twelve weeks of kudos (who gave, who received) and of member-day activity (who posted) by time.
With only (community_id, created_at) and (community_id, day) indexed, every row of those weeks was also looked up
in the table. Measured at full size (bench/digest.py: 1,000,000 kudos, 5,000,000 activity rows, SQLite), the
digest's SQL went from 2,957 to 981 ms. The new indexes replace the old ones (same leading columns, so every
query that used them still can), so a kudos or a message maintains as many indexes as before.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01 02:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index("ix_kudos_community_time_live",
                              ["community_id", "created_at", "revoked_at", "giver_id", "receiver_id"], unique=False)
        batch_op.drop_index("ix_kudos_community_time")
    op.create_index("ix_member_day_activity_day_member", "member_day_activity",
                    ["community_id", "day", "member_id", "messages"])
    op.drop_index("ix_member_day_activity_day", table_name="member_day_activity")


def downgrade() -> None:
    op.create_index("ix_member_day_activity_day", "member_day_activity", ["community_id", "day"])
    op.drop_index("ix_member_day_activity_day_member", table_name="member_day_activity")
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index("ix_kudos_community_time", ["community_id", "created_at"], unique=False)
        batch_op.drop_index("ix_kudos_community_time_live")
