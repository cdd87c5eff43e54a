"""Two of the digest's indexes hold every column their queries read, so PostgreSQL answers from the index alone
(SQLite already did for the questions: its indexes carry the row id): the unanswered backlog (ix_questions_response
with the question id: 29 -> 18 ms at 200,000 questions) and the members who joined in a week, with whether they are
bots, posted, left (ix_members_joined: the retained and activated counts without reading the members' rows).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 11:20:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESPONSE = ["community_id", "first_answer_at", "closed_at", "solved_at", "status", "posted_at", "created_at"]
JOINED = ["community_id", "joined_at"]
INDEXES = {  # name: (table, columns before, columns now)
    "ix_questions_response": ("questions", RESPONSE, [*RESPONSE, "id"]),
    "ix_members_joined": ("members", JOINED, [*JOINED, "is_bot", "first_message_at", "left_at", "id"]),
}


def upgrade() -> None:
    for name, (table, _before, now) in INDEXES.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, now)


def downgrade() -> None:
    for name, (table, before, _now) in INDEXES.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before)
