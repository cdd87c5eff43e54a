"""Messages per member per local day (bot/features/activity): counts only, never text."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.models_questions import AnswerRow, QuestionRow


class MemberDayActivityRow(Base):
    """One member's messages on one day of the community's zone. The primary key serves the upsert and a
    member's erasure; the (community, day) index serves the digest, which reads a range of days from it alone (migration 0012)."""

    __tablename__ = "member_day_activity"
    __table_args__ = (Index("ix_member_day_activity_day_member", "community_id", "day", "member_id", "messages"),)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    messages: Mapped[int] = mapped_column(Integer)


class MemberWeekRow(Base):
    """A member was active in a local week (the digest's definition: a message counted, kudos given, an RSVP
    answered, a question asked or an answer posted): one row the first time, written in the action's own unit of
    work. `week` is the Monday in the community's zone; `next_week` the member's next active week (None: none
    yet), so "gone quiet" is a range count. The (community, week, next_week) index serves the digest's counts."""

    __tablename__ = "member_weeks"
    __table_args__ = (Index("ix_member_weeks_week", "community_id", "week", "next_week"),)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    next_week: Mapped[date | None] = mapped_column(Date)


class ActiveCountRow(Base):
    """How many members were active in a local week of a community: the member_weeks rows of that week, counted
    as they are written (migration 0018), so the digest reads 8 rows instead of counting ~45,000 a week."""

    __tablename__ = "active_counts"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    members: Mapped[int] = mapped_column(Integer)


# The digest's week ranges over the questions feature's tables (migration 0013), declared here to leave that
# feature's models alone: asked (posting time), responded (with every column the unanswered counts read, so the
# backlog is counted from the index alone), solved, closed; answers by time (with what the top answerers count,
# migration 0020).
_q, _a = QuestionRow.__table__.c, AnswerRow.__table__.c
DIGEST_INDEXES = (
    Index("ix_questions_asked", _q.community_id, _q.posted_at, _q.created_at, _q.status),
    Index("ix_questions_response", _q.community_id, _q.first_answer_at, _q.closed_at, _q.solved_at, _q.status,
          _q.posted_at, _q.created_at, _q.id),  # the id too: index-only on PostgreSQL (0021)
    Index("ix_questions_solved", _q.community_id, _q.solved_at, _q.status, _q.posted_at, _q.created_at),
    Index("ix_questions_closed", _q.community_id, _q.closed_at, _q.status),
    Index("ix_question_answers_time", _a.community_id, _a.created_at, _a.by_asker, _a.deleted_at, _a.author_id),
)
