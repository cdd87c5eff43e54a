"""Tables of linking: one-time codes (stored hashed) and the attempts to use one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Id


class LinkCodeRow(Base):
    """A code a member was given to link another identity (purpose "link") or to bind another workspace to their
    community ("bind"). Only a salted SHA-256 of it is kept."""

    __tablename__ = "link_codes"
    __table_args__ = (Index("ix_link_codes_live", "purpose", "used_at", "expires_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    purpose: Mapped[str] = mapped_column(String(8))
    platform: Mapped[str] = mapped_column(String(16))  # where it was given
    workspace_id: Mapped[str] = mapped_column(String(64))
    salt: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LinkAttemptRow(Base):
    """A code typed by a member (right or wrong): at most a few an hour."""

    __tablename__ = "link_attempts"
    __table_args__ = (Index("ix_link_attempts_member_time", "community_id", "member_id", "at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    at: Mapped[datetime]
