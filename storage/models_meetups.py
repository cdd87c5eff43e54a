"""Meetup tables: a meetup (one-off or a series), its occurrences, RSVPs and attendance, DM mutes.

A series stores its RRULE with the naive local start and the IANA zone (18:00 Berlin stays 18:00
across DST); occurrences are materialised over a bounded horizon, with their UTC start, so an RSVP,
a move or a cancellation belongs to one occurrence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Id


class MeetupRow(Base):
    __tablename__ = "meetups"
    __table_args__ = (Index("ix_meetups_community", "community_id", "cancelled_at"),
                      Index("uq_meetups_community_number", "community_id", "number", unique=True))
    id: Mapped[int] = mapped_column(Id, primary_key=True)  # internal; people see `number`
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    number: Mapped[int] = mapped_column(Integer)  # "meetup #3": counted per community
    creator_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(500), default="")  # a channel, a link or an address
    platform: Mapped[str] = mapped_column(String(16))  # where it is announced and reminded
    workspace_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    zone: Mapped[str] = mapped_column(String(64))
    local_start: Mapped[str] = mapped_column(String(19))  # naive wall time, ISO "2026-12-03T18:00:00"
    duration_minutes: Mapped[int] = mapped_column(Integer)
    rrule: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int | None] = mapped_column(Integer)
    offsets: Mapped[str] = mapped_column(String(100))  # reminder offsets at creation, "1d,1h"
    scheduled_until: Mapped[datetime]  # occurrences and reminders exist up to here (UTC)
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class OccurrenceRow(Base):
    __tablename__ = "meetup_occurrences"
    __table_args__ = (
        UniqueConstraint("meetup_id", "original_start"),
        Index("ix_meetup_occurrences_start", "community_id", "start_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    meetup_id: Mapped[int] = mapped_column(ForeignKey("meetups.id"))
    original_start: Mapped[datetime]  # as the rule gives it (UTC): the occurrence's identity
    start_at: Mapped[datetime]  # where it is now (differs once moved)
    cancelled_at: Mapped[datetime | None]


class RsvpRow(Base):
    __tablename__ = "meetup_rsvps"
    __table_args__ = (UniqueConstraint("occurrence_id", "member_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("meetup_occurrences.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(16))  # yes | maybe | no | waitlist | none (attended only)
    answered_at: Mapped[datetime]  # the waitlist is served in this order
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    attended_marked_at: Mapped[datetime | None]


class MeetupMuteRow(Base):
    """Members who asked for no meetup direct messages (reminders still reach the channel)."""

    __tablename__ = "meetup_mutes"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    muted_at: Mapped[datetime]
