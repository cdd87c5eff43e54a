"""Tables of the topic taxonomy and of helpers: which tags champions manage (with their keywords), helpers'
pauses, and the escalations sent (for the weekly cap). Followed topics reuse `member_tags` (storage.models)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Id


class TopicRow(Base):
    """A tag that is part of the community's taxonomy. A community with none keeps an open tag list."""

    __tablename__ = "topics"
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    added_at: Mapped[datetime]


class HelperPauseRow(Base):
    """A member who asked not to be reached for questions until `until`."""

    __tablename__ = "helper_pauses"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    until: Mapped[datetime]


class EscalationRow(Base):
    """One unanswered question raised to one member (or champion): counts toward their weekly cap."""

    __tablename__ = "topic_escalations"
    __table_args__ = (Index("ix_topic_escalations_member_time", "community_id", "member_id", "sent_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    question_id: Mapped[int] = mapped_column(Id)  # no foreign key: the questions feature owns that table
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    level: Mapped[str] = mapped_column(String(16))  # helpers | champions
    sent_at: Mapped[datetime]
