"""Messages per member per local day (bot/features/activity): counts only, never text."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class MemberDayActivityRow(Base):
    """One member's messages on one day of the community's zone. The primary key serves the upsert and a
    member's erasure; the (community, day) index serves the digest, which reads a range of days from it alone (migration 0012)."""

    __tablename__ = "member_day_activity"
    __table_args__ = (Index("ix_member_day_activity_day_member", "community_id", "day", "member_id", "messages"),)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    messages: Mapped[int] = mapped_column(Integer)
