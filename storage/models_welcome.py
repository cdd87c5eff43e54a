"""Tables of the welcome and onboarding flows. Followed interests reuse `member_tags` (storage.models)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Id


class WelcomeTemplateRow(Base):
    """A champion's own wording for one welcome message (kind: dm, greeting, back); absent = the default."""

    __tablename__ = "welcome_templates"
    __table_args__ = (UniqueConstraint("community_id", "kind"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    updated_at: Mapped[datetime]


class OnboardingRow(Base):
    """One member's onboarding: when it started, whether they stopped the drip, their buddy."""

    __tablename__ = "onboardings"
    __table_args__ = (
        UniqueConstraint("community_id", "member_id"),
        Index("ix_onboardings_buddy_time", "community_id", "buddy_id", "buddy_paired_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    started_at: Mapped[datetime]
    drips_stopped_at: Mapped[datetime | None]
    buddy_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    buddy_paired_at: Mapped[datetime | None]


class OnboardingStepRow(Base):
    """A step a member has done (intro, interests, guidelines or a community's own), and when."""

    __tablename__ = "onboarding_steps"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(40), primary_key=True)
    done_at: Mapped[datetime]


class WelcomeJoinRow(Base):
    """Every join the welcome flow saw: counts bursts, and holds greetings that go out combined."""

    __tablename__ = "welcome_joins"
    __table_args__ = (Index("ix_welcome_joins_time", "community_id", "joined_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    joined_at: Mapped[datetime]
    returning: Mapped[bool] = mapped_column("is_return", Boolean, default=False)  # RETURNING is an SQL keyword
    greeting: Mapped[str] = mapped_column(String(16))  # single | combined | none
    greet_at: Mapped[datetime | None]  # when its greeting goes out (combined ones share it)
