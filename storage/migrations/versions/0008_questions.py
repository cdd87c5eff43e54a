"""Questions: questions, their tags, their answers, and the full-text index /search reads.

SQLite: an FTS5 table over questions.search_text (external content), kept by triggers in the writes' own
transaction. PostgreSQL: a generated tsvector column (to_tsvector('english', search_text)) with a GIN index, kept
by the server.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIME = sa.DateTime(timezone=True)

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE questions_fts USING fts5(search_text, content='questions', content_rowid='id',"
    " tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER questions_fts_insert AFTER INSERT ON questions BEGIN"
    " INSERT INTO questions_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER questions_fts_delete AFTER DELETE ON questions BEGIN"
    " INSERT INTO questions_fts(questions_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER questions_fts_update AFTER UPDATE OF search_text ON questions BEGIN"
    " INSERT INTO questions_fts(questions_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO questions_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)
# A stored generated column: ranking reads each match's vector instead of parsing its text again.
POSTGRES_SEARCH = (
    "ALTER TABLE questions ADD COLUMN search_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED",
    "CREATE INDEX ix_questions_search ON questions USING gin (search_vector)",
)


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("asker_id", ID, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("thread_id", sa.String(length=64), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("deflected_to_id", ID, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("posted_at", TIME, nullable=True),
        sa.Column("first_answer_at", TIME, nullable=True),
        sa.Column("solved_at", TIME, nullable=True),
        sa.Column("closed_at", TIME, nullable=True),
        sa.Column("last_activity_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["asker_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["deflected_to_id"], ["questions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("uq_questions_community_number", "questions", ["community_id", "number"], unique=True)
    op.create_index("ix_questions_posted_message", "questions", ["platform", "workspace_id", "message_id"])
    op.create_index("ix_questions_status", "questions", ["community_id", "status", "last_activity_at"])
    op.create_table(
        "question_tags",
        sa.Column("community_id", ID, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("tag_id", ID, nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"]),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"]),
        sa.PrimaryKeyConstraint("question_id", "tag_id"),
    )
    op.create_index("ix_question_tags_community_id", "question_tags", ["community_id"])
    op.create_index("ix_question_tags_tag_id", "question_tags", ["tag_id"])
    op.create_table(
        "question_answers",
        sa.Column("id", ID, nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", ID, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("accepted_at", TIME, nullable=True),
        sa.Column("accepted_by_id", ID, nullable=True),
        sa.Column("kudos_given", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"]),
        sa.ForeignKeyConstraint(["author_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["accepted_by_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_question_answers_question", "question_answers", ["question_id", "number"])
    op.create_index("ix_question_answers_message", "question_answers", ["platform", "workspace_id", "message_id"])
    op.create_index("ix_question_answers_author", "question_answers", ["community_id", "author_id", "accepted_at"])
    for statement in POSTGRES_SEARCH if op.get_bind().dialect.name == "postgresql" else SQLITE_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_questions_search")
        op.execute("ALTER TABLE questions DROP COLUMN IF EXISTS search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS questions_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS questions_fts")
    op.drop_table("question_answers")
    op.drop_table("question_tags")
    op.drop_table("questions")
