"""Question tables: questions (drafts too), their tags, and the answers in their threads.

`search_text` is what /search finds a question by: its text and its accepted answers' texts while it is posted,
empty otherwise (a draft, a deflected or deleted question). The repository keeps it in the writes' own
transaction; the full-text index over it is the store's own (migration 0008): an FTS5 table kept by triggers on
SQLite, a generated tsvector column with a GIN index on PostgreSQL. Neither is a modelled table (see `UNMODELLED`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Id

SEARCH_FTS = "questions_fts"  # SQLite: the FTS5 table (and its shadow tables, questions_fts_*)
SEARCH_VECTOR = "search_vector"  # PostgreSQL: a generated column, to_tsvector('english', search_text)
SEARCH_GIN = "ix_questions_search"  # PostgreSQL: GIN over it
# The schema objects the store makes that are not models: a schema comparison leaves them out.
UNMODELLED = Base.metadata.info.setdefault("unmodelled", set())
UNMODELLED.update({SEARCH_FTS, SEARCH_VECTOR, SEARCH_GIN})


class QuestionRow(Base):
    __tablename__ = "questions"
    __table_args__ = (
        Index("uq_questions_community_number", "community_id", "number", unique=True),
        Index("ix_questions_posted_message", "platform", "workspace_id", "message_id"),
        Index("ix_questions_status", "community_id", "status", "last_activity_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)  # internal; people see `number`
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    number: Mapped[int] = mapped_column(Integer)  # "question #3": counted per community
    asker_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # draft | open | solved | stale | deflected | deleted
    platform: Mapped[str] = mapped_column(String(16))  # where it was asked, then where it is posted
    workspace_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64))  # the posted question: its thread holds the answers
    thread_id: Mapped[str | None] = mapped_column(String(64))
    search_text: Mapped[str] = mapped_column(Text, default="")
    deflected_to_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"))  # "this answers it"
    created_at: Mapped[datetime]
    posted_at: Mapped[datetime | None]
    first_answer_at: Mapped[datetime | None]  # the first reply by someone else than the asker (no bots)
    solved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # closed as stale, deflected or deleted
    last_activity_at: Mapped[datetime]


class QuestionTagRow(Base):
    __tablename__ = "question_tags"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)


class AnswerRow(Base):
    __tablename__ = "question_answers"
    __table_args__ = (
        Index("ix_question_answers_question", "question_id", "number"),
        Index("ix_question_answers_message", "platform", "workspace_id", "message_id"),
        Index("ix_question_answers_author", "community_id", "author_id", "accepted_at"),
        # helpers under a tag in a window (0016): the window's accepted answers, then their questions' tags
        Index("ix_question_answers_accepted", "community_id", "accepted_at", "question_id", "author_id", "deleted_at",
              "id"),  # every column the helpers read: index-only on PostgreSQL
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    number: Mapped[int] = mapped_column(Integer)  # "answer 2" of its question
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    kudos_given: Mapped[bool] = mapped_column(Boolean, default=False)  # once per answer, however often marked
    deleted_at: Mapped[datetime | None]
    # the asker's own reply in their thread: kept as an answer, never counted as help (asker_replies_statement)
    by_asker: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class MirrorRow(Base):
    """Where a question is posted besides its own channel (the Q&A channel of another bound workspace, its
    `answer_id` empty), and the copies of its answers in the threads on the other side (`answer_id` set)."""

    __tablename__ = "question_mirrors"
    __table_args__ = (
        Index("ix_question_mirrors_message", "platform", "workspace_id", "message_id"),
        Index("ix_question_mirrors_question", "question_id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("question_answers.id"))
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
